import { luhnCheckDigit } from './customerId.js';

/** The demo customer of local mode: `hotline demo` and the demo dashboard at /demo/dashboard use it. */
export const DEMO_CUSTOMER_ID = `424242424${luhnCheckDigit('424242424')}`;
export const DEMO_CUSTOMER = { name: 'Demo Corp', plan: 'enterprise', tier: 'premium', customerId: DEMO_CUSTOMER_ID } as const;
