/**
 * A failure with a meaning for the client: status, a stable code, optionally the field at fault, and
 * optionally more fields for the client to act on (the scope a route needs, why a customer is refused).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const badField = (field: string, message: string) =>
  new AppError(400, 'invalid_request', `${field}: ${message}`, field);
export const conflict = (message: string, field?: string) => new AppError(409, 'conflict', message, field);
