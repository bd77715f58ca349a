import { afterAll, describe } from 'vitest';
import type { StoreSubject } from '../subject.js';
import { agentRepositoryContract } from './agents.contract.js';
import { apiKeyRepositoryContract } from './apiKeys.contract.js';
import { callbackDeskRepositoryContract } from './desk.contract.js';
import { callbackDialerRepositoryContract } from './dialer.contract.js';
import { callbackRepositoryContract } from './callbacks.contract.js';
import { callRepositoryContract } from './calls.contract.js';
import { credentialRepositoryContract } from './credentials.contract.js';
import { customerRepositoryContract } from './customers.contract.js';
import { escalationRepositoryContract } from './escalations.contract.js';
import { failureCountRepositoryContract } from './failureCounts.contract.js';
import { numberRepositoryContract } from './numbers.contract.js';
import { queueRepositoryContract } from './queue.contract.js';
import { sessionRepositoryContract } from './sessions.contract.js';
import { storeContract } from './store.contract.js';
import { verificationRepositoryContract } from './verification.contract.js';

/** Every contract of the storage port, run against one engine: the store itself, then each repository. */
export function storeContracts(engine: string, subject: StoreSubject): void {
  describe(`storage port on ${engine}`, () => {
    afterAll(() => subject.dispose());
    storeContract(subject);
    customerRepositoryContract(subject);
    verificationRepositoryContract(subject);
    agentRepositoryContract(subject);
    callbackRepositoryContract(subject);
    callRepositoryContract(subject);
    queueRepositoryContract(subject);
    numberRepositoryContract(subject);
    credentialRepositoryContract(subject);
    sessionRepositoryContract(subject);
    callbackDeskRepositoryContract(subject);
    callbackDialerRepositoryContract(subject);
    escalationRepositoryContract(subject);
    apiKeyRepositoryContract(subject);
    failureCountRepositoryContract(subject);
  });
}
