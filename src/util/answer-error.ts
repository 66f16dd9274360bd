/**
 * An Error that captures no stack: it is an answer (a 401, a 429, a 404), not a bug, and nothing
 * reads its stack. Capturing one through Fastify's hook frames was 6.4 % of a 429's CPU
 * (--cpu-prof, the bench's rate-limit scenario).
 */
export class AnswerError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
