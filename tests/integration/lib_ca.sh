# A small openssl CA for the revocation-list tests (integration/crl.sh,
# e2e/key_crl.sh). Each function returns non-zero on failure, with
# openssl's words in DIR/log.
#   ca_make DIR CN                 a self-signed CA in DIR (ca.pem, ca.key,
#                                  ca.cnf and its db/)
#   ca_issue DIR NAME CN SERIAL    NAME.pem and NAME.der, an end-entity
#                                  certificate valid from yesterday for a year

ca_cnf() { # DIR: an openssl ca configuration in DIR
	mkdir -p "$1/db"
	cat >"$1/ca.cnf" <<'EOF'
[ca]
default_ca = c
[c]
dir = .
database = db/index.txt
serial = db/serial
crlnumber = db/crlnumber
new_certs_dir = db
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_crl_days = 7
policy = p
unique_subject = no
copy_extensions = none
x509_extensions = leaf
[p]
countryName = optional
organizationName = optional
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
EOF
	: >"$1/db/index.txt"
	echo 01 >"$1/db/crlnumber"
}

ca_make() { # DIR CN
	ca_cnf "$1" &&
		(cd "$1" && openssl req -x509 -new -utf8 -newkey rsa:2048 -nodes -keyout ca.key -sha256 \
			-days 3650 -config ca.cnf -extensions v3_ca -out ca.pem \
			-subj "/C=CN/O=某某数字认证有限公司/CN=$2") >"$1/log" 2>&1
}

ca_issue() { # DIR NAME CN SERIAL
	local now
	now=$(date -u +%s)
	(cd "$1" && openssl req -new -utf8 -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" \
		-subj "/C=CN/O=福州某某科技有限公司/CN=$3" &&
		echo "$4" >db/serial &&
		openssl ca -batch -config ca.cnf -utf8 -preserveDN -notext -in "$2.csr" \
			-startdate "$(date -u -d "@$((now - 86400))" +%Y%m%d%H%M%SZ)" \
			-enddate "$(date -u -d "@$((now + 365 * 86400))" +%Y%m%d%H%M%SZ)" -out "$2.pem" &&
		openssl x509 -in "$2.pem" -outform DER -out "$2.der") >>"$1/log" 2>&1
}
