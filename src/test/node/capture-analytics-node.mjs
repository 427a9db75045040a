// Captures the exact request @segment/analytics-node sends, as the fixture
// src/test/resources/fixtures/analytics-node-batch.json that InboundShapesTest replays.
// Regenerate: cd src/test/node && npm install --no-save @segment/analytics-node@3.1.0 && node capture-analytics-node.mjs
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { Analytics } from '@segment/analytics-node';

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    writeFileSync(new URL('../resources/fixtures/analytics-node-batch.json', import.meta.url),
      JSON.stringify({ path: req.url, contentType: req.headers['content-type'], body }, null, 2) + '\n');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
    server.close();
  });
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const analytics = new Analytics({
    writeKey: 'unused', host: `http://127.0.0.1:${port}`, path: '/v1/segment/inbound', maxEventsInBatch: 6,
  });
  analytics.identify({ anonymousId: 'node_anon_1', userId: 'node_u_1', traits: { plan: 'pro', email: 'n@example.com' } });
  analytics.alias({ previousId: 'node_anon_2', userId: 'node_u_2' });
  analytics.track({ anonymousId: 'node_anon_3', userId: 'node_u_3', event: 'Signed Up', properties: { source: 'ad' } });
  analytics.page({ anonymousId: 'node_anon_4', userId: 'node_u_4', name: 'Pricing' });
  analytics.screen({ userId: 'node_u_1', name: 'Home' });
  analytics.group({ userId: 'node_u_1', groupId: 'grp_1', traits: { name: 'Acme' } });
  await analytics.closeAndFlush();
});
