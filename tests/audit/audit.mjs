// The GraphQL over HTTP audit suite against a running server.
//
// Usage: node audit.mjs http://127.0.0.1:8000/graphql/
// Prints one JSON line per audit ({id, name, status, reason?, httpStatus?,
// contentType?, body?}) and exits 1 when any audit is not "ok".
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

async function describe(result) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status === 'ok') return line;
  line.reason = result.reason;
  line.httpStatus = result.response.status;
  line.contentType = result.response.headers.get('content-type');
  try {
    line.body = (await result.response.text()).slice(0, 500);
  } catch {
    line.body = null; // already read by the audit
  }
  return line;
}

// One at a time: the server under test may be a single worker.
let failed = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const line = await describe(await audit.fn());
  if (line.status !== 'ok') failed += 1;
  console.log(JSON.stringify(line));
}
process.exit(failed ? 1 : 0);
