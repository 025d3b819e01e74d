// The model a run uses when `--model` is not given (kept apart so that the command line's help loads no backend).
export const DEFAULT_MODEL = 'flamingo-tiny-m';
