/**
 * Every configuration problem found, at once. `problems` holds one line each;
 * the message joins them so a bare `console.error(err.message)` is still useful.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration (${problems.length} problems):\n  ${problems.join('\n  ')}`,
    );
    this.problems = problems;
  }
}
