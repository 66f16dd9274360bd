import { describe, expect, it } from 'vitest';
import { clientErrorResponse } from './client-error.js';

describe('clientErrorResponse', () => {
  it('answers a header overflow with 431 problem+json and the request id', () => {
    const raw = clientErrorResponse('HPE_HEADER_OVERFLOW', 'rid-1');
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(head).toContain('x-request-id: rid-1');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toEqual({ type: 'urn:ossa-gateway:problem:headers-too-large', title: 'Request headers too large', status: 431, detail: expect.any(String), request_id: 'rid-1' });
  });

  it('answers any other parse error with 400', () => {
    const body = clientErrorResponse('HPE_INVALID_CONTENT_LENGTH', 'rid-2').split('\r\n\r\n')[1]!;
    expect(JSON.parse(body)).toMatchObject({ status: 400, type: 'urn:ossa-gateway:problem:malformed-request' });
  });
});
