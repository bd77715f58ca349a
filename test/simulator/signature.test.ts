import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioSignature } from '../../src/simulator/signature.js';

// The example in Twilio's webhook-security documentation.
const token = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};

describe('twilioSignature', () => {
  it("reproduces Twilio's documented example", () => {
    expect(twilioSignature(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('agrees with the twilio package on both the example and the validation side', () => {
    expect(twilioSignature(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params));
    expect(twilio.validateRequest(token, twilioSignature(token, url, params), url, params)).toBe(true);
  });

  it('changes when any parameter, the URL or the token changes', () => {
    const original = twilioSignature(token, url, params);
    expect(twilioSignature(token, url, { ...params, Digits: '1235' })).not.toBe(original);
    expect(twilioSignature(token, url, { ...params, Extra: '' })).not.toBe(original);
    expect(twilioSignature(token, `${url}&baz=3`, params)).not.toBe(original);
    expect(twilioSignature('54321', url, params)).not.toBe(original);
  });
});
