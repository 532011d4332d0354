/** Resolves with the name of the first of `signals` the process receives. */
export function firstSignal(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<string> {
  return new Promise((resolve) => {
    for (const s of signals) process.once(s, () => resolve(s));
  });
}

/** Runs `work`, but gives up waiting after `budgetMs`; resolves to whether it finished in time. */
export async function withinBudget(budgetMs: number, work: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), budgetMs);
    timer.unref();
  });
  try {
    return await Promise.race([work().then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
