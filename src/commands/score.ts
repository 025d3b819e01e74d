// `flamingo-eval score`: placeholder registration until the scorers issue lands its command here.
import type { Command } from 'commander';

export function registerScore(_program: Command): void {}
