import { DomainError } from '@sharedtech/core';

/** The body is larger than the app accepts (413). */
export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`, { limitBytes });
  }
}
