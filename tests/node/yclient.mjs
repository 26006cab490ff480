// One real Yjs client (yjs + y-websocket from npm, unchanged), driven over stdin/stdout in
// JSON lines by the Python tests: it joins a room, reports what it sees, types what it is told.
//
//   node yclient.mjs <ws://host/api/v1/collab> <document id> <access token> <name>
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import readline from 'node:readline'

const [serverUrl, room, token, name] = process.argv.slice(2)
const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n')

// y-websocket reports a "permission denied" auth message through console.warn.
const warn = console.warn
console.warn = (...args) => {
  const text = args.map(String).join(' ')
  if (text.includes('Permission denied')) emit({ event: 'denied', reason: text })
  else warn(...args)
}

const doc = new Y.Doc()
const text = doc.getText('text')
const provider = new WebsocketProvider(serverUrl, room, doc, {
  WebSocketPolyfill: WebSocket,
  params: { token },
  maxBackoffTime: 300,
  disableBc: true
})
provider.awareness.setLocalStateField('user', { name, color: '#cc6633' })
provider.on('status', ({ status }) => emit({ event: 'status', status }))
provider.on('sync', (synced) => emit({ event: 'synced', synced, text: text.toString() }))
provider.on('connection-close', (closeEvent) =>
  emit({ event: 'close', code: closeEvent ? closeEvent.code : null, reason: closeEvent ? String(closeEvent.reason) : '' })
)
text.observe(() => emit({ event: 'text', text: text.toString() }))
provider.awareness.on('change', () => {
  const states = [...provider.awareness.getStates().entries()]
    .filter(([id]) => id !== doc.clientID)
    .map(([id, state]) => ({ id, ...state }))
  emit({ event: 'awareness', states })
})

const lines = readline.createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const cmd = JSON.parse(line)
  if (cmd.cmd === 'insert') text.insert(Math.min(cmd.index, text.length), cmd.text)
  else if (cmd.cmd === 'delete') text.delete(cmd.index, cmd.length)
  else if (cmd.cmd === 'presence') provider.awareness.setLocalStateField('cursor', cmd.cursor)
  else if (cmd.cmd === 'disconnect') provider.disconnect()
  else if (cmd.cmd === 'connect') provider.connect()
  else if (cmd.cmd === 'text') emit({ event: 'text', text: text.toString() })
  else if (cmd.cmd === 'quit') { provider.destroy(); process.exit(0) }
})
lines.on('close', () => { provider.destroy(); process.exit(0) })
