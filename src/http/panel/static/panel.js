// The customer's emergency hotline panel. The session arrives in the URL's fragment (#session=...,
// optionally &lang=en|ja), which no server ever receives; it is kept in memory only and removed from
// the address bar at once. Everything is built with textContent: nothing from the server is parsed as HTML.
(() => {
  'use strict';

  const TEXT = {
    en: {
      title: 'Emergency hotline',
      intro: 'If your site is down or under attack, call the emergency line. It asks for your customer ID and a one-time code.',
      numbers: 'Numbers to call',
      noNumbers: 'No emergency number is configured yet. Contact your account team.',
      language: { 'en-US': 'English', 'ja-JP': '日本語 (Japanese)' },
      getToken: 'Get one-time token',
      setUpApp: 'Set up authenticator app',
      manageApp: 'Authenticator app',
      tokenTitle: 'Your one-time token',
      customerId: 'Customer ID',
      code: 'One-time code',
      nextIn: (s) => `New code in ${s} s`,
      spent: (s) => `This code was just used by a call. The next code appears in ${s} s.`,
      spentNow: 'This code was just used by a call. Wait for the next one before you call again.',
      fresh: 'A new code is ready.',
      copy: 'Copy code',
      copied: 'Code copied.',
      copyFailed: 'Could not copy: select the code and copy it.',
      close: 'Close',
      back: 'Back',
      appTitle: 'Authenticator app',
      appIntro: 'Codes from an authenticator app on your phone work on the emergency line like the code on this page.',
      appEnrolled: 'An authenticator app is set up for this account.',
      replace: 'Replace authenticator app',
      remove: 'Remove authenticator app',
      confirmReplace: 'Replace the authenticator app? Codes from the current app keep working until the new one is confirmed.',
      confirmRemove: 'Remove the authenticator app? Its codes stop working at once. The code on this page still works.',
      yesReplace: 'Replace',
      yesRemove: 'Remove',
      cancel: 'Cancel',
      removed: 'The authenticator app was removed.',
      step1: 'Open an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 1Password or another).',
      step2: 'Scan this QR code with it.',
      qrAlt: 'QR code to add the emergency hotline to an authenticator app',
      step3: 'Or type this key into the app:',
      step4: 'Enter the 6-digit code the app now shows:',
      confirm: 'Confirm',
      badCode: 'That code did not match. Check that your phone shows the right time, and enter the code the app shows now.',
      notSixDigits: 'Enter the 6 digits the app shows.',
      done: 'Your authenticator app is set up.',
      doneDetail: 'When you call the emergency line, you can enter the code from the app instead of the code on this page.',
      finish: 'Done',
      expired: 'This page has expired for your security. Reload the page in your dashboard to continue.',
      refused: 'The emergency line is not available for this account.',
      failed: 'Something went wrong. Try again in a moment.',
    },
    ja: {
      title: '緊急ホットライン',
      intro: 'サイトの停止や攻撃が起きたときは、緊急窓口にお電話ください。お客様IDとワンタイムコードをお伺いします。',
      numbers: 'お電話番号',
      noNumbers: '緊急窓口の番号がまだ設定されていません。担当チームにお問い合わせください。',
      language: { 'en-US': 'English（英語）', 'ja-JP': '日本語' },
      getToken: 'ワンタイムトークンを表示',
      setUpApp: '認証アプリを設定',
      manageApp: '認証アプリ',
      tokenTitle: 'ワンタイムトークン',
      customerId: 'お客様ID',
      code: 'ワンタイムコード',
      nextIn: (s) => `あと${s}秒で新しいコード`,
      spent: (s) => `このコードは先ほどのお電話で使われました。${s}秒後に次のコードが表示されます。`,
      spentNow: 'このコードは先ほどのお電話で使われました。次のコードが表示されてからおかけください。',
      fresh: '新しいコードが表示されました。',
      copy: 'コードをコピー',
      copied: 'コードをコピーしました。',
      copyFailed: 'コピーできませんでした。コードを選択してコピーしてください。',
      close: '閉じる',
      back: '戻る',
      appTitle: '認証アプリ',
      appIntro: 'スマートフォンの認証アプリのコードも、このページのコードと同じように緊急窓口で使えます。',
      appEnrolled: 'このアカウントには認証アプリが設定されています。',
      replace: '認証アプリを置き換える',
      remove: '認証アプリを削除する',
      confirmReplace: '認証アプリを置き換えますか？新しいアプリを確認するまでは、今のアプリのコードも使えます。',
      confirmRemove: '認証アプリを削除しますか？そのコードはすぐに使えなくなります。このページのコードは引き続き使えます。',
      yesReplace: '置き換える',
      yesRemove: '削除する',
      cancel: 'キャンセル',
      removed: '認証アプリを削除しました。',
      step1: 'スマートフォンで認証アプリ（Google Authenticator、Microsoft Authenticator、1Password など）を開きます。',
      step2: 'このQRコードをアプリで読み取ります。',
      qrAlt: '緊急ホットラインを認証アプリに追加するQRコード',
      step3: 'または、このキーをアプリに入力します：',
      step4: 'アプリに表示された6桁のコードを入力してください：',
      confirm: '確認',
      badCode: 'コードが一致しませんでした。スマートフォンの時刻が正しいことを確かめ、アプリに今表示されているコードを入力してください。',
      notSixDigits: 'アプリに表示された6桁の数字を入力してください。',
      done: '認証アプリの設定が完了しました。',
      doneDetail: '緊急窓口にお電話の際は、このページのコードの代わりにアプリのコードを入力できます。',
      finish: '完了',
      expired: '安全のため、このページの有効期限が切れました。ダッシュボードのページを再読み込みしてください。',
      refused: 'このアカウントでは緊急窓口をご利用いただけません。',
      failed: '問題が発生しました。しばらくしてからもう一度お試しください。',
    },
  };

  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('session') || '';
  history.replaceState(null, '', location.pathname + location.search);
  const asked = fragment.get('lang') || new URLSearchParams(location.search).get('lang') || navigator.language || 'en';
  const lang = /^ja\b/i.test(asked) ? 'ja' : 'en';
  const t = TEXT[lang];
  document.documentElement.lang = lang;
  document.title = t.title;
  const main = document.getElementById('panel');

  /** An element with attributes (on* never) and children (strings become text). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === undefined || value === null) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body) {
    const res = await fetch(`/panel/api${path}`, {
      method,
      cache: 'no-store',
      credentials: 'omit',
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status === 204) return null;
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /** Digits in groups for reading aloud and typing: 4929 0000 18, 123 456, ABCD EFGH. */
  const grouped = (text, size) => (text.match(new RegExp(`.{1,${size}}`, 'g')) || []).join(' ');
  const phoneText = (e164) => (/^\+1\d{10}$/.test(e164) ? `+1 ${e164.slice(2, 5)} ${e164.slice(5, 8)} ${e164.slice(8)}` : e164);

  // One polite live region for what a screen reader should hear: never the code itself every 30 s.
  const status = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const say = (text) => {
    status.textContent = '';
    setTimeout(() => (status.textContent = text), 50);
  };

  let session;

  function fail(err) {
    main.setAttribute('aria-busy', 'false');
    const expired = err instanceof ApiError && err.status === 401;
    const refused = err instanceof ApiError && err.status === 403;
    main.replaceChildren(
      el('h1', {}, t.title),
      el('p', { class: 'notice', role: 'alert' }, expired ? t.expired : refused ? (err.body && err.body.message) || t.refused : t.failed),
      status,
    );
  }

  function focusHeading(node) {
    const heading = node.querySelector('h1, h2');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }

  // ---- home ---------------------------------------------------------------------------------------
  function home(focus) {
    const numbers = session.numbers.length
      ? el(
          'ul',
          { class: 'numbers' },
          session.numbers.map((n) =>
            el('li', {}, el('a', { href: `tel:${n.e164}`, class: 'number' }, phoneText(n.e164)), ' ', el('span', { class: 'lang' }, t.language[n.language] || n.language)),
          ),
        )
      : el('p', {}, t.noNumbers);
    const tokenButton = el('button', { type: 'button', class: 'primary', id: 'get-token' }, t.getToken);
    const appButton = el('button', { type: 'button', id: 'authenticator' }, session.authenticator.enrolled ? t.manageApp : t.setUpApp);
    tokenButton.addEventListener('click', () => openToken(tokenButton));
    appButton.addEventListener('click', () => authenticatorView());
    main.replaceChildren(
      el('h1', {}, t.title),
      el('p', {}, t.intro),
      el('section', { 'aria-labelledby': 'h-numbers' }, el('h2', { id: 'h-numbers' }, t.numbers), numbers),
      el('div', { class: 'actions' }, tokenButton, appButton),
      status,
    );
    if (focus) focusHeading(main);
  }

  // ---- one-time token -----------------------------------------------------------------------------
  function openToken(opener) {
    const codeText = el('p', { class: 'code', id: 'code', 'aria-describedby': 'code-label' }, '······');
    const countdown = el('p', { class: 'countdown', id: 'countdown' });
    const bar = el('div', { class: 'bar', 'aria-hidden': 'true' }, el('div', { class: 'bar-fill' }));
    const spentNote = el('p', { class: 'spent', id: 'spent', hidden: true });
    const copy = el('button', { type: 'button', id: 'copy' }, t.copy);
    const close = el('button', { type: 'button', id: 'close' }, t.close);
    const dialog = el(
      'dialog',
      { 'aria-labelledby': 'h-token', class: 'token' },
      el('h2', { id: 'h-token' }, t.tokenTitle),
      el(
        'dl',
        {},
        el('dt', {}, t.customerId),
        el('dd', { class: 'customer-id', id: 'customer-id' }, grouped(session.customerId, 4)),
        el('dt', { id: 'code-label' }, t.code),
        el('dd', {}, codeText),
      ),
      countdown,
      bar,
      spentNote,
      el('div', { class: 'actions' }, copy, close),
    );
    let current;
    let remaining = 0;
    let lastSpent = false;
    let timer;
    let polling = false;

    function render() {
      countdown.textContent = t.nextIn(remaining);
      bar.firstChild.style.width = `${Math.max(0, Math.min(100, (remaining / (current ? current.period : 30)) * 100))}%`;
      if (current && current.spent) {
        spentNote.hidden = false;
        spentNote.textContent = t.spent(remaining);
        codeText.classList.add('used');
      } else {
        spentNote.hidden = true;
        codeText.classList.remove('used');
      }
    }

    async function refresh() {
      if (polling) return;
      polling = true;
      try {
        const next = await api('GET', '/token');
        const changed = !current || next.code !== current.code;
        current = next;
        remaining = next.expiresInSeconds;
        codeText.textContent = grouped(next.code, 3);
        if (next.spent && !lastSpent) say(t.spentNow);
        else if (changed && lastSpent) say(t.fresh);
        lastSpent = next.spent;
        render();
      } catch (err) {
        stop();
        dialog.close();
        fail(err);
      } finally {
        polling = false;
      }
    }

    let tick = 0;
    function stop() {
      clearInterval(timer);
    }
    timer = setInterval(() => {
      remaining = Math.max(0, remaining - 1);
      render();
      tick++;
      // A new code at the step's end; meanwhile every few seconds, to see a call spend this one.
      if (remaining === 0 || tick % 3 === 0) void refresh();
    }, 1000);

    copy.addEventListener('click', async () => {
      if (!current) return;
      try {
        await navigator.clipboard.writeText(current.code);
        say(t.copied);
      } catch {
        getSelection().selectAllChildren(codeText);
        say(t.copyFailed);
      }
    });
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      stop();
      dialog.remove();
      opener.focus();
    });
    main.append(dialog);
    dialog.showModal();
    close.focus();
    void refresh();
  }

  // ---- authenticator app --------------------------------------------------------------------------
  function screen(...children) {
    const back = el('button', { type: 'button', class: 'link', id: 'back' }, `← ${t.back}`);
    back.addEventListener('click', () => home(true));
    main.replaceChildren(back, el('h1', {}, t.appTitle), ...children, status);
    focusHeading(main);
  }

  function confirmDialog(question, yes, onYes) {
    const ok = el('button', { type: 'button', class: 'danger', id: 'confirm-yes' }, yes);
    const cancel = el('button', { type: 'button', id: 'confirm-cancel' }, t.cancel);
    const dialog = el('dialog', { role: 'alertdialog', 'aria-labelledby': 'confirm-q' }, el('p', { id: 'confirm-q' }, question), el('div', { class: 'actions' }, ok, cancel));
    ok.addEventListener('click', () => {
      dialog.close();
      onYes();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => dialog.remove());
    main.append(dialog);
    dialog.showModal();
    cancel.focus();
  }

  function authenticatorView() {
    if (!session.authenticator.enrolled) return enrollView();
    const replace = el('button', { type: 'button', id: 'replace' }, t.replace);
    const remove = el('button', { type: 'button', class: 'danger', id: 'remove' }, t.remove);
    replace.addEventListener('click', () => confirmDialog(t.confirmReplace, t.yesReplace, () => enrollView()));
    remove.addEventListener('click', () =>
      confirmDialog(t.confirmRemove, t.yesRemove, async () => {
        try {
          await api('DELETE', '/authenticator');
          session.authenticator = { enrolled: false, pending: false };
          home(true);
          say(t.removed);
        } catch (err) {
          fail(err);
        }
      }),
    );
    screen(el('p', {}, t.appEnrolled), el('div', { class: 'actions' }, replace, remove));
  }

  async function enrollView() {
    let enrollment;
    try {
      enrollment = await api('POST', '/authenticator');
    } catch (err) {
      return fail(err);
    }
    const input = el('input', {
      id: 'first-code',
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9]{6}',
      maxlength: 6,
      required: true,
      'aria-describedby': 'code-error',
    });
    const error = el('p', { id: 'code-error', class: 'error', 'aria-live': 'assertive' });
    const form = el(
      'form',
      { class: 'stack', novalidate: true },
      el('label', { for: 'first-code' }, t.step4),
      input,
      error,
      el('button', { type: 'submit', class: 'primary', id: 'confirm' }, t.confirm),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const code = input.value.replace(/\s+/g, '');
      if (!/^\d{6}$/.test(code)) {
        error.textContent = t.notSixDigits;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      try {
        await api('POST', '/authenticator/confirm', { code });
      } catch (err) {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) {
          error.textContent = t.badCode;
          input.setAttribute('aria-invalid', 'true');
          input.select();
          return;
        }
        return fail(err);
      }
      session.authenticator = { enrolled: true, pending: false };
      const finish = el('button', { type: 'button', class: 'primary', id: 'finish' }, t.finish);
      finish.addEventListener('click', () => home(true));
      screen(el('div', { class: 'success', role: 'status' }, el('h2', {}, t.done), el('p', {}, t.doneDetail)), finish);
    });
    const qr = el('img', { class: 'qr', alt: t.qrAlt, width: 200, height: 200, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrollment.qrSvg)}` });
    screen(
      el('p', {}, t.appIntro),
      el(
        'ol',
        { class: 'steps' },
        el('li', {}, t.step1),
        el('li', {}, t.step2, el('div', {}, qr)),
        el('li', {}, t.step3, ' ', el('code', { class: 'key', id: 'key' }, grouped(enrollment.secret, 4))),
        el('li', {}, form),
      ),
    );
  }

  api('GET', '/session')
    .then((s) => {
      session = s;
      main.setAttribute('aria-busy', 'false');
      home(false);
    })
    .catch(fail);
})();
