/** A command used the wrong way: exit code 2, one sentence saying what to type instead. */
export class UsageError extends Error {
  override name = 'UsageError';
}
