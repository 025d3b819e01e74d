// Run defaults that the command line shows in its help, kept apart so that registering the commands loads nothing else.
export const DEFAULT_SUPPORT_SIZE = 2048;
export const DEFAULT_SEED = 42;
