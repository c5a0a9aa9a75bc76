import { expect } from 'chai';
import { APP_LINK_ERRORS, AppLinkError, type AppLinkErrorCode } from '../../app-links/errors';
import { appLinksOpenApi } from '../../app-links/openapi';

const GENERIC = 'The server could not complete the request.';

describe('app-links error codes', () => {
  const codes = Object.keys(APP_LINK_ERRORS) as AppLinkErrorCode[];

  it('each has its own description an app can show: distinct, not the generic text, no setting names or internals', () => {
    const descriptions = codes.map((code) => APP_LINK_ERRORS[code].description);
    expect(new Set(descriptions).size, 'distinct').to.equal(codes.length);
    for (const code of codes) {
      const { description } = APP_LINK_ERRORS[code];
      expect(description, code).to.not.equal(GENERIC);
      expect(description.length, code).to.be.greaterThan(30);
      // Written for people: a whole sentence, no environment variable, HTTP status or stack wording.
      expect(description, code).to.match(/^[A-Z].*\.$/);
      expect(description, code).to.not.match(/[A-Z]{3,}_[A-Z_]+|\bHTTP\b|\b[45]\d\d\b|undefined|Error:/);
    }
  });

  it('shows the description whatever the status (5xx included), keeping the reason for the log', () => {
    for (const code of codes) {
      const error = new AppLinkError(code, 'internal reason for the log');
      expect(error.expose, code).to.equal(true);
      expect(error.description, code).to.equal(APP_LINK_ERRORS[code].description);
      expect(error.reason).to.equal('internal reason for the log');
    }
  });

  it('keeps every description in the OpenAPI document', () => {
    const document = appLinksOpenApi('https://linking.example.com') as { components: { schemas: { ErrorCode: { enum: string[]; description?: string; 'x-descriptions'?: Record<string, string> } } } };
    const text = JSON.stringify(document);
    for (const code of codes) {
      expect(document.components.schemas.ErrorCode.enum, code).to.include(code);
      expect(text, code).to.include(JSON.stringify(APP_LINK_ERRORS[code].description).slice(1, -1));
    }
  });
});
