// An OpenID provider for the tests and the e-legitimation demo: the OpenID
// Certified `oidc-provider` on loopback, speaking as a Sweden Connect broker
// does. Its sign-in page asks for a personal identity number (or, for staff,
// an eduPersonPrincipalName) and a level of assurance instead of a real
// e-legitimation; everything after that (codes, PKCE, signed ID tokens,
// discovery, keys, RP-initiated and back-channel logout) is the real library.
//
//   node provider.mjs --port 8100 --kid key-1 --clients '[{"client_id": ...}]'
//
// It prints "ready <issuer>" once it listens. A new --kid is a new signing key:
// restarting with another one is how the tests rotate keys.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const PNR = 'https://id.oidc.se/claim/personalIdentityNumber';
const LOA = 'http://id.elegnamnden.se/loa/1.0/';
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    kid: { type: 'string', default: 'key-1' },
    clients: { type: 'string' },
    'id-token-ttl': { type: 'string', default: '600' },
  },
});
const issuer = `http://127.0.0.1:${values.port}`;
const accounts = new Map(); // accountId -> claims, filled by the sign-in page

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const provider = new Provider(issuer, {
  clients: JSON.parse(values.clients),
  jwks: { keys: [signingKey(values.kid)] },
  cookies: { keys: [randomUUID()] },
  acrValues: [`${LOA}loa2`, `${LOA}loa3`, `${LOA}loa4`],
  claims: {
    openid: ['sub'],
    'https://id.oidc.se/scope/naturalPersonNumber': [PNR],
    eduperson: ['eduPersonPrincipalName'],
  },
  conformIdTokenClaims: false, // the identity number in the ID token, as Sweden Connect sends it
  pkce: { required: () => true },
  ttl: { IdToken: Number(values['id-token-ttl']), Session: 3600, Grant: 3600 },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // Its guard against requests to special-use addresses would stop the
  // back-channel logout reaching the service, which here is on loopback too.
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  async findAccount(ctx, id) {
    const claims = accounts.get(id);
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
});

function form(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function page(res, html) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="sv"><meta charset="utf-8"><title>Testlegitimation</title>${html}</html>`);
}

async function consent(req, res, details) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name === 'consent') return consent(req, res, details);
  if (action !== 'login') {
    return page(res, `<h1>Testlegitimation</h1>
      <form method="post" action="/interaction/${uid}/login">
        <label>Personnummer <input name="pnr" autofocus></label>
        <label>eller eduPersonPrincipalName <input name="eppn"></label>
        <label>Tillitsnivå <select name="loa"><option>loa3</option><option>loa2</option><option>loa4</option></select></label>
        <button>Logga in</button>
      </form>`);
  }
  const fields = await form(req);
  const pnr = fields.get('pnr') || '';
  const eppn = fields.get('eppn') || '';
  const accountId = fields.get('sub') || `user-${pnr || eppn}`;
  accounts.set(accountId, { ...(pnr ? { [PNR]: pnr } : {}), ...(eppn ? { eduPersonPrincipalName: eppn } : {}) });
  const acr = fields.get('loa') ? `${LOA}${fields.get('loa')}` : undefined;
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const result = { login: { accountId, ...(acr ? { acr } : {}), amr: ['bankid'] }, consent: { grantId } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

for (const event of ['backchannel.error', 'server_error', 'end_session.error', 'grant.error']) {
  provider.on(event, (ctx, error) => process.stderr.write(`${event}: ${error?.message ?? error} ${error?.cause ?? ''}\n`));
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?/.exec(req.url);
  if (!match) return callback(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (error) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end(String(error));
  }
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
