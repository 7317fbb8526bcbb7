/** A dev service could not be installed, started or reached; the message says what to do, in one sentence. */
export class ServiceError extends Error {
  override name = 'ServiceError';
}

/** The last `count` non-empty lines of a command's output, for error messages. */
export function lastLines(text: string, count = 15): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
