import { boundHeapGrowth } from '../engine/heap';
import { main } from './index';

// The bundle's entry: run the command and exit with its code (servers exit on a signal).
boundHeapGrowth();
main(process.argv.slice(2)).then((code) => process.exit(code));
