// node:fs for the modules `svrun status` loads. An ESM `import … from 'node:fs'` builds the
// module's whole namespace, and reading fs.ReadStream for it loads Node's stream modules.
// getBuiltinModule hands over the module object as CommonJS sees it, lazy getters untouched.
import type * as FS from 'node:fs';

/** node:fs, without the stream modules an ESM import of it would load. */
export const fs: typeof FS = process.getBuiltinModule('node:fs');
