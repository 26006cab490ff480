// The web studio's scene editor: CodeMirror 6 bound to the scene's Y.Text in its live room
// (the same y-websocket room the desktop joins), with the others' cursors and names.
// Everything it needs is in the page's #studio element: no inline script (the CSP forbids it).
import { EditorState } from "@codemirror/state";
import {
  Decoration, EditorView, MatchDecorator, ViewPlugin, keymap, drawSelection, highlightActiveLine,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";

const COLOURS = ["#b3261e", "#0b56a4", "#2e7d32", "#8e24aa", "#c2410c", "#00796b", "#5d4037"];

function colourOf(name) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

// The Markdown subset, styled as the desktop styles it: headings, *italic*, **bold**, breaks.
function markPlugin(regexp, cls) {
  const decorator = new MatchDecorator({ regexp, decoration: Decoration.mark({ class: cls }) });
  return ViewPlugin.fromClass(class {
    constructor(view) { this.decorations = decorator.createDeco(view); }
    update(update) { this.decorations = decorator.updateDeco(update, this.decorations); }
  }, { decorations: (v) => v.decorations });
}

const prose = [
  markPlugin(/^#{1,6} .*$/gm, "md-heading"),
  markPlugin(/\*\*[^*\n]+\*\*/g, "md-bold"),
  markPlugin(/(?<!\*)\*[^*\n]+\*(?!\*)/g, "md-italic"),
  markPlugin(/^\s*(\*\s*\*\s*\*|#|~~~)\s*$/gm, "md-break"),
];
const script = [
  markPlugin(/^(INT|EXT|EST|INT\.?\/EXT|I\/E)[. ].*$/gm, "sc-heading"),
  markPlugin(/^[A-Z][A-Z0-9 .'-]+(\s*\(.*\))?$/gm, "sc-character"),
  markPlugin(/^\(.*\)$/gm, "sc-parenthetical"),
];

function start(root) {
  const cfg = root.dataset;
  const status = document.getElementById("studio-status");
  const say = (text, kind) => {
    status.textContent = text;
    status.dataset.kind = kind || "";
  };
  const doc = new Y.Doc();
  const ytext = doc.getText("text");
  const provider = new WebsocketProvider(cfg.room, cfg.doc, doc, {
    params: { token: cfg.token },
    maxBackoffTime: 4000,
  });
  const canWrite = cfg.role === "editor" || cfg.role === "owner";
  provider.awareness.setLocalStateField("user", {
    name: cfg.name, color: colourOf(cfg.name), colorLight: colourOf(cfg.name) + "33",
  });
  const undoManager = new Y.UndoManager(ytext);
  const view = new EditorView({
    parent: document.getElementById("editor"),
    state: EditorState.create({
      doc: "",
      extensions: [
        history(),
        drawSelection(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap, ...historyKeymap]),
        EditorState.readOnly.of(!canWrite),
        EditorView.editable.of(canWrite),
        EditorView.contentAttributes.of({
          "aria-label": `Text of ${cfg.title}`, "aria-multiline": "true",
          "aria-readonly": canWrite ? "false" : "true",
        }),
        ...(cfg.kind === "script" ? script : prose),
        yCollab(ytext, provider.awareness, { undoManager }),
      ],
    }),
  });
  window.awStudio = { view, doc, provider, ytext };  // for the tests and the curious

  const people = document.getElementById("studio-people");
  const showPeople = () => {
    const names = [];
    provider.awareness.getStates().forEach((state, id) => {
      if (id !== doc.clientID && state.user) names.push(state.user.name);
    });
    people.textContent = names.length ? `Also here: ${names.join(", ")}` : "Nobody else is here";
  };
  provider.awareness.on("change", showPeople);
  showPeople();

  let synced = false;
  provider.on("sync", (isSynced) => {
    if (isSynced) {
      synced = true;
      root.dataset.synced = "true";
      say(canWrite ? "Live: what you type is saved and seen by the others as you type."
                   : "Live, read-only: you see the others type.", "ok");
    }
  });
  provider.on("status", ({ status: state }) => {
    if (state === "connected" && synced) say("Live again: your typing was sent.", "ok");
    if (state === "disconnected") {
      say("Connection lost: keep typing, it is kept here and sent when the connection is back.",
          "warn");
    }
  });
  // A refused token (expired: 4401) is renewed with the session cookie, then the room joined
  // again; any other refusal is said plainly.
  provider.on("connection-close", async (event) => {
    if (!event) return;
    if (event.code === 4401) {
      provider.shouldConnect = false;
      try {
        const r = await fetch("/app/token", {
          method: "POST", credentials: "same-origin",
          headers: { "X-CSRF-Token": cfg.csrf },
        });
        if (!r.ok) throw new Error(String(r.status));
        provider.params.token = (await r.json()).token;
        provider.connect();
      } catch (e) {
        say("Your session has ended: sign in again to keep working.", "error");
      }
    } else if (event.code === 4403) {
      provider.shouldConnect = false;
      say("You no longer have access to this book.", "error");
    }
  });
  view.focus();
}

const root = document.getElementById("studio");
if (root) start(root);
