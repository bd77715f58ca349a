import type { CallbackOutcome } from '../../domain/callbackOutcomes.js';
import type { AgentState, DutyMode } from '../../domain/storage/agents.js';
import type { ApiKeyScope } from '../../domain/storage/apiKeys.js';
import type { SlaState } from '../../domain/sla.js';
import { html, type Html } from '../html.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** Every word the console shows in English; the other languages follow this shape (see ja.ts). */
export const en = {
  /** `<html lang>` and the locale dates are written for. */
  htmlLang: 'en',
  /** The switch's own name for this language, written in that language. */
  languageName: 'English',

  format: {
    /** "1 h 05 min", "12 min", "45 s"; negative as "-12 min". */
    duration(ms: number): string {
      const sign = ms < 0 ? '-' : '';
      const s = Math.floor(Math.abs(ms) / 1000);
      if (s < 60) return `${sign}${s} s`;
      const m = Math.floor(s / 60);
      if (m < 60) return `${sign}${m} min`;
      return `${sign}${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
    },
    /** An instant in UTC to the minute: the console is shared by agents in several time zones. */
    at: (ms: number) => `${iso(ms).slice(0, 16).replace('T', ' ')} UTC`,
    /** An instant in UTC to the second, for audit trails. */
    atSeconds: (ms: number) => `${iso(ms).slice(0, 19).replace('T', ' ')} UTC`,
    left: (d: string) => `${d} left`,
    overdue: (d: string) => `${d} overdue`,
  },

  layout: {
    brand: 'Hotline console',
    title: (title: string) => `${title} · Hotline console`,
    skip: 'Skip to content',
    nav: 'Console',
    dashboard: 'Dashboard',
    agents: 'Agents',
    apiKeys: 'API keys',
    signedInAs: (name: string, agentId: number, admin: boolean): Html => html`Signed in as <strong>${name}</strong> (agent ${agentId}${admin ? ', admin' : ''})`,
    signOut: 'Sign out',
    errorPrefix: 'Error: ',
    language: 'Language',
  },

  flash: {
    done: {
      claimed: (ref: string) => `Callback ${ref} is yours: the dialer will not call this customer while you hold it.`,
      released: (ref: string) => `Callback ${ref} released.`,
      completed: (ref: string) => `Callback ${ref} marked completed.`,
      note: () => 'Note added.',
      duty: () => 'Your duty is updated.',
      free: () => 'You are marked free for calls.',
      created: () => 'Agent added.',
      saved: () => 'Saved.',
      roster: () => 'Roster saved.',
      password: () => 'Password set. The agent’s other sessions were signed out.',
      removed: (ref: string) => `Agent ${ref} removed: off duty for good, signed out, and any callbacks they claimed given back to the dialer.`,
      'signed-out': () => 'You are signed out.',
      'key-revoked': (ref: string) => `API key ${ref} revoked: it is refused from now on, and so are the panel sessions it made.`,
      language: () => 'The console now speaks English.',
    },
    error: {
      closed: (ref: string) => `Callback ${ref} is already closed.`,
      'claimed-by-other': (ref: string) => `Another agent has claimed callback ${ref}. Use “Take over” to take it.`,
      'not-found': () => 'That callback no longer exists.',
    },
  },

  login: {
    title: 'Sign in',
    agentNumber: 'Agent number',
    password: 'Password',
    submit: 'Sign in',
    noPassword: 'No password yet? An admin sets one in the console, or on the server:',
    failed: 'That agent number and password do not match, or sign-in is paused after too many attempts.',
    busy: 'Too many sign-ins are being checked right now. Wait a moment and try again.',
  },

  errors: {
    title: 'Error',
    notFound: 'Not found',
    forbidden: 'Not allowed',
    other: 'Something is wrong',
    back: 'Back to the dashboard',
    server: 'Something went wrong. Try again.',
    unreadable: 'That request could not be read.',
    /** The text of an error the console raised; English keeps the error's own sentence. */
    app: (_code: string, _field: string | undefined, english: string) => english,
  },

  states: {
    available: 'Available',
    offered: 'Being offered a call',
    'ringing-callback': 'Ringing for a callback',
    'on-call': 'On a call',
    'off-duty': 'Off duty',
  } satisfies Record<AgentState, string>,

  sla: { on_time: 'On time', at_risk: 'At risk', breached: 'Breached' } satisfies Record<SlaState, string>,

  status: {
    pending: 'Waiting to be dialed',
    dialing: 'Dialing',
    connected: 'Connected',
    completed: 'Completed',
    failed: 'Failed: the dialer gave up',
    cancelled: 'Cancelled',
  } as Record<string, string>,

  outcomes: {
    reached: 'Reached the customer',
    unreachable: 'Could not reach the customer',
    duplicate: 'Duplicate of another callback',
  } satisfies Record<CallbackOutcome, string>,

  tier: (tier: string): string => (tier === 'premium' ? 'Premium' : 'Standard'),
  idEnding: (ending: string) => `ID ending ${ending}`,

  /** Where a live call is, in words. */
  live: {
    talking: (name: string) => `talking to ${name}`,
    inQueue: (place: number) => `number ${place} in queue`,
    ringing: (name: string) => `ringing ${name}`,
    /** Beside an agent's name in the agents list: what they are doing on the call linked. */
    talkingShort: 'talking to',
    ringingShort: 'ringing',
    ringingSomeone: 'ringing an engineer',
    states: {
      askId: 'verifying',
      askCode: 'verifying',
      askPriority: 'choosing a priority',
      desk: 'with the backup desk',
      p2Menu: 'booking a callback',
      askCallbackNumber: 'giving a callback number',
      p2Record: 'recording a description',
      p1CallbackBooked: 'hearing the callback promise',
    } as Record<string, string>,
    /** A flow state with no words of its own: "askCallbackNumber" -> "ask callback number". */
    state: (state: string) => state.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2').toLowerCase(),
  },

  dashboard: {
    title: 'Dashboard',
    /** The tab's title: the counts that need someone ("2 P1 waiting · 1 breached"). */
    counts: (waiting: number, breached: number, atRisk: number) =>
      [waiting ? `${waiting} P1 waiting` : '', breached ? `${breached} breached` : '', atRisk ? `${atRisk} at risk` : ''].filter(Boolean),
    summary: (calls: number, queue: number, open: number, atRisk: number, breached: number) =>
      [
        plural(calls, 'live call'),
        `${queue} waiting in the P1 queue`,
        `${plural(open, 'open callback')}${atRisk || breached ? ` (${atRisk} at risk, ${breached} breached)` : ''}`,
      ].join(', '),
    updated: (at: string) => `Updated ${at}.`,
    alertsOff: 'Turn on alerts',
    queue: 'P1 queue',
    calls: 'Live calls',
    callbacks: 'Callbacks owed',
    myDuty: 'My duty',
    agents: 'Agents',
    closed: 'Closed in the last 12 hours',
    noCalls: 'No calls in progress.',
    nobodyWaiting: 'Nobody is waiting.',
    noCallbacks: 'No callbacks are owed.',
    noneClosed: 'None in the last 12 hours.',
    callsCaption: 'Calls in progress, oldest first',
    openCaption: 'Open callbacks, earliest deadline first',
    closedCaption: 'Callbacks closed in the last 12 hours, latest first',
    columns: {
      call: 'Call',
      customer: 'Customer',
      priority: 'Priority',
      where: 'Where',
      inFlow: 'Time in flow',
      deadline: 'Deadline',
      reference: 'Reference',
      status: 'Status',
      claimedBy: 'Claimed by',
      actions: 'Actions',
      promise: 'Promise',
      outcome: 'Outcome',
      completedBy: 'Completed by',
    },
    notVerified: 'not verified yet',
    /** A P1 caller in the queue, after their tier's badge; `waited` ticks. */
    queued: (ending: string, waited: Html): Html => html`customer ID ending ${ending}, waiting ${waited}`,
    callDetails: 'call details',
    due: (at: string) => `due ${at}`,
    you: 'You',
    notes: (n: number) => plural(n, 'note'),
    notConnected: 'Not connected',
    callWith: (words: string, sid: string) => `${words}: call ${sid}`,
    duty: {
      how: { on: 'switched on duty by hand', off: 'switched off duty by hand', roster: 'following your weekly roster' } satisfies Record<DutyMode, string>,
      /** "You are [Available] — following your weekly roster, which has you on duty now." */
      line: (state: Html, how: string, roster: boolean | null): Html =>
        html`You are ${state} — ${how}${roster === null ? '' : html`, which has you <strong>${roster ? 'on duty' : 'off duty'}</strong> now`}.`,
      legend: 'Set my duty',
      on: 'On duty',
      off: 'Off duty',
      roster: 'Follow my roster',
      onCallSince: (at: string) => `Marked on a call since ${at}. If that call is over:`,
      markFree: 'Mark me free',
    },
  },

  callback: {
    heading: (ref: string) => `Callback ${ref}`,
    back: '← Dashboard',
    claim: 'Claim',
    release: 'Release',
    takeOver: 'Take over',
    complete: 'Complete…',
    forCallback: (ref: string) => ` callback ${ref}`,
    completeTitle: (ref: string) => `Complete ${ref}`,
    completeHeading: (ref: string) => `Complete callback ${ref}`,
    backTo: (ref: string) => `← Callback ${ref}`,
    whatBecame: (ref: string) => `What became of callback ${ref}?`,
    completeSubmit: 'Complete callback',
    cancel: 'Cancel',
    due: (at: string) => `due ${at}`,
    facts: {
      status: 'Status',
      customer: 'Customer',
      priority: 'Priority',
      why: 'Why',
      number: 'Number to call',
      promised: 'Promised',
      recording: 'Recorded description',
      claimedBy: 'Claimed by',
      completedBy: 'Completed by',
      outcome: 'Outcome',
      askingCall: 'The call that asked',
    },
    customerIs: (name: string | undefined, id: string) => `${name ?? 'unknown'} (ID ${id})`,
    priorityIs: (priority: string, tier: string) => `${priority}, ${tier} Enterprise`,
    reasons: { p2: 'P2: the caller chose a callback', 'no-agent-answered': 'P1: no agent took the call' } as Record<string, string>,
    unverified: (locked: boolean, failures: number) =>
      `P1, unverified caller: ${locked ? `the ID is locked after ${failures} failed codes` : `their number is limited after ${failures} failed codes`}. The callback goes to the phone on file; verify the customer another way before acting.`,
    promisedIs: (at: string, within: string) => `${at}, within ${within}`,
    recordingLabel: (s: number) => `Recorded description, ${s} seconds`,
    seconds: (s: number) => `(${s} s)`,
    none: 'none',
    claimedByIs: (who: string | null, at: string) => (who === null ? 'you' : who) + `, ${at}`,
    nobody: 'nobody',
    auditTrail: 'audit trail',
    escalation: 'Escalation',
    escalationChannel: { sms: 'Texted', call: 'Called' } as Record<string, string>,
    escalationStatus: { sending: 'sending', sent: 'sent', failed: 'failed' } as Record<string, string>,
    tries: 'Calls to the customer',
    notCalled: 'Not called yet.',
    tryOutcome: {
      connectedEnded: 'connected (the customer pressed a key), ended',
      connected: 'connected (the customer pressed a key)',
      completed: 'answered, but no key pressed: a voicemail, most likely',
      'no-answer': 'not answered',
      busy: 'busy',
      failed: 'could not be placed (check the number)',
      canceled: 'cancelled (the engineer hung up first)',
      'in-progress': 'answered, waiting for a key',
      ringing: 'ringing',
    } as Record<string, string>,
    notes: 'Notes',
    noNotes: 'No notes yet.',
    noteKind: { note: 'Note', claimed: 'Claimed', released: 'Released', completed: 'Completed' } as Record<string, string>,
    noteBy: (kind: string, name: string | null, at: string): Html => html`<strong>${kind}</strong> by ${name ?? 'a removed agent'}, ${at}`,
    addNote: 'Add a note',
    noteHelp: 'Seen by every agent. Never write codes or secrets here.',
    addNoteSubmit: 'Add note',
  },

  call: {
    title: (ending: string) => `Call …${ending}`,
    facts: {
      sid: 'Call SID',
      state: 'State',
      outcome: 'Outcome',
      customer: 'Customer',
      check: 'Check',
      priority: 'Priority',
      language: 'Language',
      from: 'From',
      started: 'Started',
      ended: 'Ended',
      inFlow: 'In flow for',
      callback: 'Callback',
    },
    /** A flow state as the call's page names it. */
    state: (state: string) => en.live.state(state),
    ended: ' (call ended)',
    noOutcome: 'none yet',
    customerIs: (name: string | undefined, id: string) => `${name ?? 'unknown'} (ID ${id})`,
    notVerified: 'not verified',
    withheld: 'withheld',
    after: (d: string) => `(after ${d})`,
    audit: 'Verification attempts',
    noAudit: 'This call made no verification attempt.',
    auditCaption: 'Verification attempts of this call, oldest first',
    columns: { time: 'Time', result: 'Result', reason: 'Reason', factor: 'Factor', typed: 'Customer ID typed' },
    verified: 'Verified',
    refused: 'Refused',
    reason: (reason: string) => (reason === 'ok' ? 'code accepted' : reason.replace(/_/g, ' ')),
    /** What an agent must check before acting on a call. */
    failedBefore: (failures: number) => `Verified after ${failures} failed ${failures === 1 ? 'code' : 'codes'} in the last day: check before acting.`,
    held: (locked: boolean, idEnding: string, failures: number, desk: boolean) =>
      `Unverified caller: ${locked ? `ID ending ${idEnding} is locked after ${failures} failed codes` : `the calling number is limited after ${failures} failed codes`}. ${desk ? 'Sent to the backup desk.' : 'A callback to the phone on file, if the account has one.'}`,
  },

  agents: {
    title: 'Agents',
    caption: 'All agents',
    columns: { no: 'No.', name: 'Name', phone: 'Phone', languages: 'Languages', duty: 'Duty', now: 'Now', console: 'Console' },
    admin: ' (admin)',
    canSignIn: 'can sign in',
    noPassword: 'no password',
    duty: { on: 'On duty', off: 'Off duty', roster: 'Follows roster' } satisfies Record<DutyMode, string>,
    add: 'Add an agent',
    addSubmit: 'Add agent',
    name: 'Name',
    phone: 'Phone (E.164, e.g. +14155550100)',
    languages: 'Languages',
    languageNames: { 'en-US': 'en-US', 'ja-JP': 'ja-JP' } as Record<string, string>,
    dutyLegend: 'Duty',
    isAdmin: 'Admin (manages agents)',
    passwordOptional: 'Password (optional)',
    passwordHelp: 'At least 12 characters.',
    back: '← Agents',
    heading: (id: number, name: string) => `Agent ${id}: ${name}`,
    now: 'Now:',
    rosterHas: (on: boolean): Html => html` — the roster has them <strong>${on ? 'on duty' : 'off duty'}</strong>`,
    details: 'Details',
    saveDetails: 'Save details',
    roster: 'Weekly roster',
    rosterHelp: html`Used when duty is “Follows roster”. One shift per line, days then local times, e.g. <code>mon-fri 09:00-17:00</code> or <code>fri,sat 22:00-06:00</code> (an end at or before the start is the next morning). Times are read in the agent’s time zone, daylight saving included.`,
    timeZone: 'Time zone (IANA, e.g. Asia/Tokyo)',
    shifts: 'Shifts',
    saveRoster: 'Save roster',
    password: 'Console password',
    passwordNote: 'Setting a password signs the agent out everywhere.',
    newPassword: 'New password',
    setPassword: 'Set password',
    remove: 'Remove agent',
    removeNote:
      'For an agent who left: off duty for good, signed out, password deleted, and callbacks they claimed given back to the dialer. Calls and callbacks keep their name. This cannot be undone; add a new agent if they return.',
    hasLeft: (name: string) => ` ${name} has left the team`,
    removeSubmit: 'Remove agent',
    /** A form error as the form reader wrote it; English keeps it. */
    fieldError: (_field: string, english: string) => english,
  },

  apiKeys: {
    title: 'API keys',
    scopeHelp: {
      admin: 'everything the admin token may do',
      dashboard: 'one-time codes, authenticators and panel sessions, for any customer',
      read: 'GET requests only, one-time codes excepted',
    } satisfies Record<ApiKeyScope, string>,
    made: (id: number) => `Key ${id} made: copy it now`,
    onlyOnce: 'This is the only time the key is shown: only its hash is kept.',
    caption: 'All API keys',
    columns: { no: 'No.', name: 'Name', scope: 'Scope', hint: 'Starts with', made: 'Made', used: 'Last used', revoke: 'Revoke' },
    never: 'never',
    revoked: (at: string) => `revoked ${at}`,
    sure: ' sure',
    revokeKey: (id: number) => `Revoke key ${id}`,
    none: 'No API keys yet.',
    make: 'Make a key',
    name: 'Name (who uses it)',
    scope: 'Scope',
    makeSubmit: 'Make key',
    fieldError: (_field: string, english: string) => english,
  },

  /** Words the page's script shows: templates with {placeholders}, sent to the browser with the page. */
  client: {
    seconds: '{n} s',
    minutes: '{n} min',
    hours: '{h} h {mm} min',
    left: '{d} left',
    overdue: '{d} overdue',
    updated: 'Updated {time} UTC.',
    lost: 'Connection lost: retrying every few seconds. What you see may be out of date.',
    alertsOn: 'Alerts on',
    alertsOff: 'Turn on alerts',
    notificationTitle: 'Hotline console',
    waitingOne: '1 P1 caller started waiting',
    waitingMany: '{n} P1 callers started waiting',
    breached: 'Callback {refs} breached its deadline',
    atRisk: 'Callback {refs} is at risk',
    joiner: '. ',
    listJoiner: ', ',
  },
};

/** The shape every language's catalogue has. */
export type Messages = typeof en;
