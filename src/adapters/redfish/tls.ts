// TLS settings for a Redfish endpoint. Node's fetch takes them only through an undici dispatcher, so undici is loaded
// only when an endpoint sets them; plain and default-verified HTTPS use the built-in fetch as it is.

export interface TlsOptions {
  /** PEM text of the CA (or the BMC's own self-signed certificate) to trust, instead of the system's store. */
  readonly ca?: string;
  /** Skip certificate verification entirely: for a lab only, never for a data center. */
  readonly insecure?: boolean;
}

export async function dispatcherFor(tls: TlsOptions | undefined): Promise<object | undefined> {
  if (!tls || (tls.ca === undefined && !tls.insecure)) return undefined;
  if (tls.ca !== undefined && !tls.ca.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error('tls.ca: expected PEM text of a certificate');
  const { Agent } = await import('undici');
  return new Agent({ connect: { ...(tls.ca !== undefined ? { ca: tls.ca } : {}), rejectUnauthorized: !tls.insecure } });
}
