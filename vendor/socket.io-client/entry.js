// The global `io` of socket.io-client's own browser build (dist/socket.io.js), with the same
// properties, so the pages' scripts use it unchanged.
import { io, Manager, Socket } from "socket.io-client";

Object.assign(io, { Manager: Manager, Socket: Socket, io: io, connect: io });
self.io = io;
