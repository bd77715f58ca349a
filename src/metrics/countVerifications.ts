import type { VerifyCaller } from '../domain/verifyCaller.js';
import type { Metrics } from './metrics.js';

/** verifyCaller with every result (and every failure to decide) counted; the answer is unchanged. */
export function countVerifications(verifyCaller: VerifyCaller, metrics: Pick<Metrics, 'observeVerification'>): VerifyCaller {
  return async (repos, customerId, code, context) => {
    let result;
    try {
      result = await verifyCaller(repos, customerId, code, context);
    } catch (err) {
      metrics.observeVerification('error');
      throw err;
    }
    metrics.observeVerification(result);
    return result;
  };
}
