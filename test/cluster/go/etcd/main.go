// Command etcd is etcd's server, built from its published module: the upstream
// main package cannot be `go install`ed because its go.mod has replace lines.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
