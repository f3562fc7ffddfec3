'use strict';
// Preloaded (`node -r`) into an app process that a test runs as if it were a pod: what the
// cluster network gives a pod, and nothing else.
// - KUBESTACK_TEST_DNS: a JSON map of Service names to loopback addresses, answered as cluster DNS
//   answers `postgres` or `redis` inside the namespace; other names resolve as usual.
// - KUBESTACK_TEST_POD_IP: the pod's own address; a server listening on a port alone binds there.
const dns = require('dns');
const net = require('net');

const services = JSON.parse(process.env.KUBESTACK_TEST_DNS || '{}');
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  const address = services[hostname];
  if (address === undefined) return lookup.apply(this, arguments);
  const cb = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  process.nextTick(() => (all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4)));
  return {};
};

const podIp = process.env.KUBESTACK_TEST_POD_IP;
if (podIp) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (port, ...rest) {
    if (typeof port === 'number' && typeof rest[0] !== 'string') return listen.call(this, port, podIp, ...rest);
    return listen.call(this, port, ...rest);
  };
}
