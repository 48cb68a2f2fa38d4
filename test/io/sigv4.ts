/**
 * AWS Signature Version 4 presigned URLs (query-string authentication), from
 * the published algorithm, so the S3 tests use URLs of the real shape:
 * X-Amz-* parameters, UNSIGNED-PAYLOAD, only `host` signed.
 */
import { createHash, createHmac } from 'node:crypto';

export interface PresignParams {
  method: string;
  /** Endpoint origin, such as http://127.0.0.1:4568 */
  endpoint: string;
  bucket: string;
  key: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Signing time; default now. */
  date?: Date;
  expiresSeconds?: number;
  /** Virtual-host style (bucket in the host name) instead of path style. */
  virtualHost?: boolean;
}

/** RFC 3986 percent-encoding as SigV4 requires: everything but unreserved characters. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function presignUrl(params: PresignParams): string {
  const endpoint = new URL(params.endpoint);
  const host = params.virtualHost ? `${params.bucket}.${endpoint.host}` : endpoint.host;
  const path = params.virtualHost ? `/${params.key}` : `/${params.bucket}/${params.key}`;
  const canonicalPath = path.split('/').map(encodeRfc3986).join('/');
  const stamp = (params.date ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = stamp.slice(0, 8);
  const scope = `${day}/${params.region}/s3/aws4_request`;
  const query: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${params.accessKeyId}/${scope}`],
    ['X-Amz-Date', stamp],
    ['X-Amz-Expires', String(params.expiresSeconds ?? 900)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const canonicalQuery = query
    .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)
    .sort()
    .join('&');
  const canonicalRequest = [params.method, canonicalPath, canonicalQuery, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key = hmac(`AWS4${params.secretAccessKey}`, day);
  for (const part of [params.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString('hex');
  return `${endpoint.protocol}//${host}${canonicalPath}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
