"""Live co-editing: one Yjs room per synced document, spoken in the y-websocket protocol.

* :mod:`.messages` reads and writes the protocol's messages (sync, awareness, auth).
* :mod:`.standing` reads who may join which room, and a room's state, from the database.
* :mod:`.room` is one document's room: its Yjs document, presence and connections.
* :mod:`.hub` keeps a worker's rooms: joining, persisting to the book's feed, cutting off
  members who lose access, unloading idle rooms.
* :mod:`.bus` carries a room's updates between workers (Redis pub/sub), or nowhere.
"""
