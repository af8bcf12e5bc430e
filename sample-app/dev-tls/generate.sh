#!/usr/bin/env bash
# DEVELOPMENT ONLY. Makes the sample app's throwaway TLS material in this folder: a self-signed
# CA (ca.crt) and a certificate for localhost and 127.0.0.1 signed by it (server.crt, server.key),
# EC P-256, valid for 10 years. The CA's private key is made in a temporary folder and deleted
# once it has signed, so nobody can issue another certificate under this CA; the CA is also
# name-constrained to localhost and 127.0.0.1. Run it again to replace all three files; a running
# sample app picks the new server certificate up (reload-on-update), clients need the new ca.crt.
set -euo pipefail

DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DAYS=3650

cat > "$WORK/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca
[dn]
O = qtserver sample app
CN = qtserver sample DEVELOPMENT ONLY CA
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, permitted;DNS:localhost, permitted;IP:127.0.0.1/255.255.255.255
CNF

cat > "$WORK/server.cnf" <<'CNF'
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/ca.key"
openssl req -x509 -new -key "$WORK/ca.key" -sha256 -days "$DAYS" -config "$WORK/ca.cnf" -out "$WORK/ca.crt"

# PKCS#8 (BEGIN PRIVATE KEY), which every PEM reader takes
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$WORK/server.key"
openssl req -new -key "$WORK/server.key" -subj "/O=qtserver sample app/CN=localhost" -out "$WORK/server.csr"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -sha256 \
  -days "$DAYS" -extfile "$WORK/server.cnf" -extensions server -out "$WORK/server.crt"
openssl verify -CAfile "$WORK/ca.crt" "$WORK/server.crt"

# the key first: a running app that reloads on the certificate's change then finds a matching key
install -m 644 "$WORK/server.key" "$DIR/server.key"
install -m 644 "$WORK/ca.crt" "$DIR/ca.crt"
install -m 644 "$WORK/server.crt" "$DIR/server.crt"
echo "new ca.crt, server.crt and server.key in $DIR"
