/** A public Ed25519 key in JWK form (RFC 8037), as carried in JWT claims and JWKS documents. */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
}
