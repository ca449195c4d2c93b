// Signs a webhook payload the way Stripe does, with Stripe's own library (npm `stripe`,
// its `webhooks.generateTestHeaderString`), for the webhook tests.
//
// usage: node stripe_sign.js NODE_PREFIX SECRET [UNIX_TIMESTAMP] < payload
// prints the Stripe-Signature header value.
const path = require('path');
const [prefix, secret, timestamp] = process.argv.slice(2);
if (!prefix || !secret) {
  console.error('usage: node stripe_sign.js NODE_PREFIX SECRET [UNIX_TIMESTAMP] < payload');
  process.exit(2);
}
const Stripe = require(path.join(prefix, 'node_modules', 'stripe'));
const stripe = new Stripe('sk_test_unused');
let payload = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (payload += c));
process.stdin.on('end', () => {
  const opts = { payload, secret };
  if (timestamp) opts.timestamp = Number(timestamp);
  process.stdout.write(stripe.webhooks.generateTestHeaderString(opts));
});
