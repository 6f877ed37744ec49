// The effects on a supervise/ dir, gathered in one import for the supervisor: prepare it,
// lock it, write state into it, and listen on its FIFOs.
export { CONTROL_FIFOS, makeFifos, premakeSuperviseDir, prepareSuperviseDir } from './dir.js';
export { SuperviseWriter, superviseFiles, type WriteOptions } from './write.js';
export { acquireLock, lockOpened, openLockFile, type LockHandle } from './lock.js';
export { openControl, holdOk, type Closeable } from './fifo.js';
