// The console's only script: ticks countdowns every second and refreshes the dashboard's regions
// every 3 seconds from /console/live. Without it the pages still work; they just do not move.
(() => {
  'use strict';
  const REFRESH_MS = 3000;
  let offset = 0; // server clock minus this browser's clock

  // The page's words, in the agent's language, from the server's catalogue (src/console/i18n).
  const T = JSON.parse(document.body.dataset.messages || '{}');
  /** A template with its {placeholders} filled. */
  const say = (template, values) => String(template).replace(/\{(\w+)\}/g, (_, key) => String(values[key]));

  const fmt = (ms) => {
    const s = Math.floor(Math.abs(ms) / 1000);
    if (s < 60) return say(T.seconds, { n: s });
    const m = Math.floor(s / 60);
    if (m < 60) return say(T.minutes, { n: m });
    return say(T.hours, { h: Math.floor(m / 60), mm: String(m % 60).padStart(2, '0') });
  };

  function tick() {
    const now = Date.now() + offset;
    for (const el of document.querySelectorAll('[data-due]')) {
      const left = Number(el.dataset.due) - now;
      el.textContent = left >= 0 ? say(T.left, { d: fmt(left) }) : say(T.overdue, { d: fmt(-left) });
    }
    for (const el of document.querySelectorAll('[data-since]')) el.textContent = fmt(now - Number(el.dataset.since));
  }

  const live = document.querySelector('[data-live-url]');
  const shown = new Map();

  // ---- alerts: an opt-in browser notification and a short sound when a P1 caller starts waiting, a
  // callback turns at risk or one breaches. The tab's title always carries the counts.
  const ALERTS_KEY = 'hotline.alerts';
  const toggle = document.getElementById('alerts-toggle');
  const alertsOn = () => localStorage.getItem(ALERTS_KEY) === 'on' && 'Notification' in window && Notification.permission === 'granted';
  let seen = live && live.dataset.attention ? JSON.parse(live.dataset.attention) : { waiting: [], atRisk: [], breached: [] };

  function showToggle() {
    if (!toggle || !('Notification' in window)) return;
    toggle.hidden = false;
    const on = alertsOn();
    toggle.textContent = on ? T.alertsOn : T.alertsOff;
    toggle.setAttribute('aria-pressed', String(on));
  }
  if (toggle) {
    toggle.addEventListener('click', async () => {
      if (alertsOn()) localStorage.setItem(ALERTS_KEY, 'off');
      else {
        localStorage.setItem(ALERTS_KEY, 'on');
        if (Notification.permission !== 'granted') await Notification.requestPermission();
        beep();
      }
      showToggle();
    });
    showToggle();
  }

  let audio;
  /** Two short tones, made here: no sound file to fetch. */
  function beep() {
    try {
      audio = audio || new AudioContext();
      for (const [at, hz] of [[0, 880], [0.25, 660]]) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.2, audio.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.2);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.2);
      }
    } catch {
      // No audio here: the notification and the title still say it.
    }
  }

  /** What is new since the last refresh, in words, or nothing. */
  function news(now) {
    const fresh = (key) => now[key].filter((x) => !seen[key].includes(x));
    const lines = [];
    const waiting = fresh('waiting').length;
    if (waiting) lines.push(waiting === 1 ? T.waitingOne : say(T.waitingMany, { n: waiting }));
    const breached = fresh('breached');
    if (breached.length) lines.push(say(T.breached, { refs: breached.join(T.listJoiner) }));
    const atRisk = fresh('atRisk');
    if (atRisk.length) lines.push(say(T.atRisk, { refs: atRisk.join(T.listJoiner) }));
    seen = now;
    return lines;
  }

  function alert(lines) {
    if (!lines.length || !alertsOn()) return;
    beep();
    try {
      new Notification(T.notificationTitle, { body: lines.join(T.joiner), tag: 'hotline-console', renotify: true });
    } catch {
      // The page's title and its live summary still say it.
    }
  }
  // Count from the server's clock, not this browser's: the page says when it was rendered.
  if (live && live.dataset.now) offset = Number(live.dataset.now) - Date.now();

  /** Replaces a region's markup, keeping keyboard focus on the same control if it still exists. */
  function replace(el, markup) {
    const focused = document.activeElement;
    const hadFocus = focused && focused.id && el.contains(focused) ? focused.id : null;
    el.innerHTML = markup;
    if (hadFocus) {
      const again = document.getElementById(hadFocus);
      if (again) again.focus();
    }
  }

  async function refresh() {
    const status = document.getElementById('live-status');
    const updated = document.getElementById('live-updated');
    try {
      const res = await fetch(live.dataset.liveUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 401) {
        window.location.assign('/console/login');
        return;
      }
      if (!res.ok) throw new Error(`status ${res.status}`);
      const data = await res.json();
      offset = data.now - Date.now();
      for (const [name, markup] of Object.entries(data.regions)) {
        const el = document.querySelector(`[data-region="${name}"]`);
        if (!el) continue;
        if (!shown.has(name)) shown.set(name, el.innerHTML);
        if (shown.get(name) === markup) continue;
        shown.set(name, markup);
        replace(el, markup);
      }
      updated.textContent = say(T.updated, { time: new Date(data.now).toISOString().slice(11, 19) });
      updated.classList.remove('stale');
      if (status.textContent !== data.summary) status.textContent = data.summary;
      if (data.title && document.title !== data.title) document.title = data.title;
      if (data.attention) alert(news(data.attention));
      tick();
    } catch {
      updated.textContent = T.lost;
      updated.classList.add('stale');
    }
  }

  tick();
  setInterval(tick, 1000);
  if (live) setInterval(refresh, REFRESH_MS);
})();
