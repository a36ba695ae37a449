module keyflow.local/kind-runc-wrapper

go 1.22
