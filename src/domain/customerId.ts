import { randomInt } from 'node:crypto';

const ID_SHAPE = /^[0-9]{8,12}$/;

/** The Luhn check digit for a string of digits. */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True for 8 to 12 digits whose last digit is the Luhn check digit of the rest: what a keypad can type. */
export function isValidCustomerId(id: string): boolean {
  return ID_SHAPE.test(id) && luhnCheckDigit(id.slice(0, -1)) === id.slice(-1);
}

/** A fresh 10-digit customer ID (no leading zero, so it reads cleanly) ending in its Luhn digit. */
export function generateCustomerId(): string {
  let payload = String(randomInt(1, 10));
  for (let i = 0; i < 8; i++) payload += String(randomInt(0, 10));
  return payload + luhnCheckDigit(payload);
}
