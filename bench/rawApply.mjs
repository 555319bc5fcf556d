// The peer of the cold-open row: a bare Node process that reads a stored
// document state and applies it to a new Y.Doc with `Y.applyUpdate`, nothing
// else. Prints `{"applyMs": …}`; only the apply is timed.
import { readFileSync } from 'node:fs'
import * as Y from 'yjs'

const state = new Uint8Array(readFileSync(process.argv[2]))
const doc = new Y.Doc({ gc: false })
const start = performance.now()
Y.applyUpdate(doc, state)
const applyMs = performance.now() - start
process.stdout.write(JSON.stringify({ applyMs }) + '\n')
