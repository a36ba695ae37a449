module keyflow.local/kind-pause

go 1.22
