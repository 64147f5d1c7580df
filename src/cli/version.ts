// The version `cascade --version` prints; a module of its own so that printing it loads nothing else.
export const VERSION = '0.1.0';
