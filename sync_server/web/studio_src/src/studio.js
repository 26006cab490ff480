// The web studio's scene editor: CodeMirror 6 bound to the scene's Y.Text in its live room
// (the same y-websocket room the desktop joins), with the others' cursors and names.
// Everything it needs is in the page's #studio element: no inline script (the CSP forbids it).
import { EditorState, RangeSetBuilder, StateEffect } from "@codemirror/state";
import {
  Decoration, EditorView, MatchDecorator, ViewPlugin, keymap, drawSelection, highlightActiveLine,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { yCollab, ySyncAnnotation, yUndoManagerKeymap } from "y-codemirror.next";

// Suggested changes live in the Y.Text as the desktop keeps them (core.review.suggestions):
// inserted characters formatted suggest_insert = ID, characters proposed for deletion
// formatted suggest_delete = ID, and who proposed it in the document's Map "suggestions".
const INSERT = "suggest_insert";
const DELETE = "suggest_delete";
const refresh = StateEffect.define();

function newId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "s-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
}

// Pieces of the text with their suggestion marks: [from, to, insertId, deleteId].
function pieces(ytext) {
  const out = [];
  let at = 0;
  for (const part of ytext.toDelta()) {
    const size = typeof part.insert === "string" ? part.insert.length : 1;
    const attrs = part.attributes || {};
    out.push([at, at + size, attrs[INSERT] || null, attrs[DELETE] || null]);
    at += size;
  }
  return out;
}

// The suggestions shown: proposed insertions underlined, proposed deletions struck through.
function suggestionMarks(ytext) {
  const inserted = Decoration.mark({ class: "sg-insert", attributes: { title: "Suggested" } });
  const deleted = Decoration.mark({ class: "sg-delete", attributes: { title: "Suggested deletion" } });
  const build = () => {
    const builder = new RangeSetBuilder();
    for (const [from, to, ins, del] of pieces(ytext)) {
      if (ins) builder.add(from, to, inserted);
      else if (del) builder.add(from, to, deleted);
    }
    return builder.finish();
  };
  return ViewPlugin.fromClass(class {
    constructor(view) {
      this.decorations = build();
      // A format change moves no character: the editor is told to draw again.
      this.observer = () => queueMicrotask(() => view.dispatch({ effects: refresh.of(null) }));
      ytext.observe(this.observer);
    }
    update(update) {
      if (update.docChanged || update.transactions.some((t) => t.effects.some((e) => e.is(refresh)))) {
        this.decorations = build();
      }
    }
    destroy() { ytext.unobserve(this.observer); }
  }, { decorations: (v) => v.decorations });
}

// A commenter's typing becomes suggestions: the change is taken off the editor and made in
// the Y.Text as a proposal, which the room (review-only for commenters) accepts and shows.
function suggestingMode(doc, ytext, author, viewRef) {
  const records = doc.getMap("suggestions");
  const mine = (id) => {
    try { return JSON.parse(records.get(id) || "{}").author === author; } catch (e) { return false; }
  };
  const record = (id, kind) => {
    if (!records.has(id)) {
      records.set(id, JSON.stringify({ id, kind, author, created_at: new Date().toISOString() }));
    }
  };
  const apply = (changes) => {
    let cursor = null;
    doc.transact(() => {
      // From the end, so that earlier positions stay true.
      for (const [from, to, text] of changes.sort((a, b) => b[0] - a[0])) {
        const id = newId();
        if (to > from) {
          const parts = pieces(ytext).filter(([a, b]) => b > from && a < to).reverse();
          for (const [a, b, ins] of parts) {
            const lo = Math.max(a, from), hi = Math.min(b, to);
            if (ins && mine(ins)) ytext.delete(lo, hi - lo);  // a typo in my own suggestion
            else if (!ins) { record(id, "delete"); ytext.format(lo, hi - lo, { [DELETE]: id }); }
          }
        }
        if (text) {
          const before = pieces(ytext).find(([a, b]) => a < from && b >= from);
          const join = before && before[2] && mine(before[2]) ? before[2] : id;  // keep typing on
          record(join, to > from ? "delete" : "insert");
          ytext.insert(from, text, { [INSERT]: join, [DELETE]: null });
          cursor = from + text.length;
        } else if (to > from) {
          cursor = from;
        }
      }
    }, "suggesting");
    if (cursor !== null && viewRef.view) viewRef.view.dispatch({ selection: { anchor: cursor } });
  };
  return EditorState.transactionFilter.of((tr) => {
    if (!tr.docChanged || tr.annotation(ySyncAnnotation)) return tr;
    const changes = [];
    tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
      changes.push([fromA, toA, inserted.sliceString(0, inserted.length, "\n")]);
    });
    queueMicrotask(() => apply(changes));
    return [];  // the editor's own change is dropped: the proposal comes back from the Y.Text
  });
}

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
  const suggesting = cfg.role === "commenter";
  const viewRef = { view: null };
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
        EditorState.readOnly.of(!canWrite && !suggesting),
        EditorView.editable.of(canWrite || suggesting),
        ...(suggesting ? [suggestingMode(doc, ytext, cfg.author, viewRef)] : []),
        suggestionMarks(ytext),
        EditorView.contentAttributes.of({
          "aria-label": `Text of ${cfg.title}`, "aria-multiline": "true",
          "aria-readonly": canWrite || suggesting ? "false" : "true",
        }),
        ...(cfg.kind === "script" ? script : prose),
        yCollab(ytext, provider.awareness, { undoManager }),
      ],
    }),
  });
  viewRef.view = view;
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
  let lost = false;
  provider.on("sync", (isSynced) => {
    if (!isSynced) return;
    synced = true;
    root.dataset.synced = "true";
    if (lost) {
      lost = false;
      say("Live again: what you typed meanwhile is sent and merged.", "ok");
    } else {
      say(canWrite ? "Live: what you type is saved and seen by the others as you type."
        : suggesting ? "Suggesting: what you type and delete is proposed to the editors."
          : "Live, read-only: you see the others type.", "ok");
    }
  });
  provider.on("status", ({ status: state }) => {
    if (state === "disconnected" && synced) {
      lost = true;
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
  // The comment form takes the editor's selection: its words, and where they are.
  const form = document.getElementById("comment-form");
  if (form) {
    let chosen = { from: 0, to: 0 };
    view.dom.addEventListener("focusout", () => { chosen = view.state.selection.main; });
    form.addEventListener("submit", (event) => {
      const range = view.hasFocus ? view.state.selection.main : chosen;
      const quote = view.state.sliceDoc(range.from, range.to);
      if (!quote.trim()) {
        event.preventDefault();
        say("Select the words to comment on, then write the comment.", "warn");
        return;
      }
      document.getElementById("comment-quote").value = quote;
      document.getElementById("comment-hint").value = String(range.from);
    });
  }
  view.focus();
}

const root = document.getElementById("studio");
if (root) start(root);
