// Loaded before the README's Node example (node --require): prints "listening <port>" once its
// server listens, so the example can take any free port (PORT=0) and the test still learns it.
// A port picked beforehand by the test could be taken by another test's server before the
// example bound it (ctest runs two at once).
const http = require("node:http");
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
  this.once("listening", () => console.log(`listening ${this.address().port}`));
  return listen.apply(this, args);
};
