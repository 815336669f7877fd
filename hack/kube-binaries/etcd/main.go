// Command etcd builds the upstream etcd server from its published Go module.
// The only logic is a call to the upstream entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
