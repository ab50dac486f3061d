"""A mesh CA made with the openssl CLI, shaped as istiod issues: a root, an intermediate under it, and one
leaf per pod with an empty subject and only a URI SAN (spiffe://cluster.local/ns/<ns>/sa/<sa>), ECDSA P-256
(Istio's and Outrigger's default key type).

Each identity gets a directory with what Outrigger reads when FILE_MOUNTED_CERTS=true (cert-chain.pem: leaf
then intermediate, key.pem: PKCS#8, root-cert.pem) and what HAProxy's `crt` takes (haproxy.pem: chain and
key in one file). The sidecars run as uid 1337, so the files are theirs.
"""

import hashlib
import os
import subprocess

TRUST_DOMAIN = "cluster.local"
NAMESPACE = "orbench"
DAYS = 2
TIMEOUT = 30


def spiffe_id(service_account):
    return f"spiffe://{TRUST_DOMAIN}/ns/{NAMESPACE}/sa/{service_account}"


def _openssl(args, cwd):
    result = subprocess.run(["openssl"] + args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def _key(path, cwd):
    _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path], cwd)


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


class MeshCa:
    """Root and intermediate in <dir>/ca; identities in <dir>/<name>/."""

    def __init__(self, directory, owner_uid):
        self.dir = directory
        self.uid = owner_uid
        self.ca = os.path.join(directory, "ca")

    def create(self):
        os.makedirs(self.ca, mode=0o700)
        _write(os.path.join(self.ca, "ext.cnf"), "\n".join([
            "[req]",
            "distinguished_name = dn",
            "[dn]",
            "[root]",
            "basicConstraints = critical, CA:TRUE",
            "keyUsage = critical, keyCertSign, cRLSign",
            "subjectKeyIdentifier = hash",
            "[intermediate]",
            "basicConstraints = critical, CA:TRUE, pathlen:0",
            "keyUsage = critical, keyCertSign, cRLSign, digitalSignature",
            "subjectKeyIdentifier = hash",
            "authorityKeyIdentifier = keyid",
            "",
        ]))
        _key("root-key.pem", self.ca)
        _openssl(["req", "-x509", "-new", "-key", "root-key.pem", "-days", str(DAYS), "-sha256",
                  "-subj", "/O=orbench/CN=orbench mesh root", "-config", "ext.cnf", "-extensions", "root",
                  "-out", "root-cert.pem"], self.ca)
        _key("int-key.pem", self.ca)
        _openssl(["req", "-new", "-key", "int-key.pem", "-subj", "/O=orbench/CN=orbench mesh intermediate",
                  "-config", "ext.cnf", "-out", "int.csr"], self.ca)
        _openssl(["x509", "-req", "-in", "int.csr", "-CA", "root-cert.pem", "-CAkey", "root-key.pem",
                  "-CAcreateserial", "-days", str(DAYS), "-sha256", "-extfile", "ext.cnf",
                  "-extensions", "intermediate", "-out", "int-cert.pem"], self.ca)

    def issue(self, name, service_account):
        """A workload identity; returns its directory."""
        d = os.path.join(self.dir, name)
        os.makedirs(d)
        _write(os.path.join(d, "ext.cnf"), "\n".join([
            "[leaf]",
            "basicConstraints = critical, CA:FALSE",
            "keyUsage = critical, digitalSignature, keyEncipherment",
            "extendedKeyUsage = serverAuth, clientAuth",
            "authorityKeyIdentifier = keyid",
            f"subjectAltName = critical, URI:{spiffe_id(service_account)}",
            "",
        ]))
        _key("key.pem", d)
        # istiod's leaves have an empty subject; XFCC then carries Subject="".
        _openssl(["req", "-new", "-key", "key.pem", "-subj", "/", "-config", os.path.join(self.ca, "ext.cnf"),
                  "-out", "leaf.csr"], d)
        _openssl(["x509", "-req", "-in", "leaf.csr", "-CA", os.path.join(self.ca, "int-cert.pem"),
                  "-CAkey", os.path.join(self.ca, "int-key.pem"), "-CAcreateserial",
                  "-CAserial", os.path.join(self.ca, "int.srl"), "-days", str(DAYS), "-sha256",
                  "-extfile", "ext.cnf", "-extensions", "leaf", "-out", "leaf.pem"], d)
        leaf = _read(os.path.join(d, "leaf.pem"))
        intermediate = _read(os.path.join(self.ca, "int-cert.pem"))
        _write(os.path.join(d, "cert-chain.pem"), leaf + intermediate)
        _write(os.path.join(d, "root-cert.pem"), _read(os.path.join(self.ca, "root-cert.pem")))
        _write(os.path.join(d, "haproxy.pem"), leaf + intermediate + _read(os.path.join(d, "key.pem")))
        # Proof that the chain is what a verifier sees: leaf → intermediate → root.
        _openssl(["verify", "-CAfile", "root-cert.pem", "-untrusted", os.path.join(self.ca, "int-cert.pem"),
                  "-purpose", "sslclient", "leaf.pem"], d)
        for f in os.listdir(d):
            os.chown(os.path.join(d, f), self.uid, self.uid)
            os.chmod(os.path.join(d, f), 0o600)
        os.chown(d, self.uid, self.uid)
        os.chmod(d, 0o700)
        return d

    def leaf_sha256(self, name):
        """Hex SHA-256 of the identity's DER certificate: what XFCC's Hash must carry."""
        der = subprocess.run(["openssl", "x509", "-in", os.path.join(self.dir, name, "leaf.pem"), "-outform", "DER"],
                             capture_output=True, timeout=TIMEOUT, check=True).stdout
        return hashlib.sha256(der).hexdigest()


def _read(path):
    with open(path) as f:
        return f.read()
