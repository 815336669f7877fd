// Command testvm-vcsim is the vCenter simulator for the TestVM operator: govmomi's vcsim
// (VPX model) plus templates, a guest boot timeline, guest operations without Docker,
// InstantClone_Task, fault injection and a JSON control API. See README.md.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve HTTPS on (port 0 = random)")
	scale := flag.Float64("time-scale", 1.0, "multiplies every simulated delay (e.g. 0.02 for tests)")
	username := flag.String("username", "", "if set, only this user logs in, with the password from $TESTVM_VCSIM_PASSWORD")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "exit when standard input closes")
	parentPID := flag.Int("parent-pid", 0, "exit when this process is gone (polled every 500 ms)")
	certOut := flag.String("cert-out", "", "write the server certificate (PEM) to this file")
	guestFiles := flag.String("guest-file-mode", guestFilesESXi, "esxi: guest file URLs have host \"*\" and the SDK endpoint serves them; "+
		"vcenter: URLs name the VM's ESXi host, served by that host's own HTTPS listener and certificate")
	lenient := flag.Bool("lenient", false, "do not check SOAP requests against the vim25 schema (strict, as vCenter, by default)")
	hostCAOut := flag.String("host-ca-out", "", "vcenter mode: write the CA (PEM) that signs the ESXi hosts' certificates to this file")
	flag.Parse()

	if *scale <= 0 {
		log.Fatalf("-time-scale must be > 0")
	}
	opts := Options{Listen: *listen, TimeScale: *scale, Username: *username, GuestFileMode: *guestFiles, Lenient: *lenient}
	if *username != "" {
		opts.Password = os.Getenv("TESTVM_VCSIM_PASSWORD")
		if opts.Password == "" {
			log.Fatalf("-username needs the password in $TESTVM_VCSIM_PASSWORD")
		}
	}

	sim, err := New(opts)
	if err != nil {
		log.Fatalf("start: %v", err)
	}
	if *certOut != "" {
		if err := os.WriteFile(*certOut, sim.CertPEM(), 0o644); err != nil {
			sim.Close()
			log.Fatalf("write %s: %v", *certOut, err)
		}
	}

	if *hostCAOut != "" {
		if sim.HostCAPEM() == nil {
			sim.Close()
			log.Fatalf("-host-ca-out needs -guest-file-mode vcenter")
		}
		if err := os.WriteFile(*hostCAOut, sim.HostCAPEM(), 0o644); err != nil {
			sim.Close()
			log.Fatalf("write %s: %v", *hostCAOut, err)
		}
	}

	stop := make(chan string, 4)
	watchExit(stop, *stdinEOF, *parentPID)

	fmt.Printf("TESTVM_VCSIM_URL=%s\n", sim.URL())
	fmt.Printf("TESTVM_VCSIM_THUMBPRINT=%s\n", sim.Thumbprint())
	fmt.Printf("TESTVM_VCSIM_CONTROL=%s\n", sim.ControlURL())
	fmt.Println("TESTVM_VCSIM_READY")
	log.Printf("testvm-vcsim ready on %s (time-scale %g)", sim.URL(), *scale)

	reason := <-stop
	log.Printf("shutting down: %s", reason)
	sim.Close()
}
