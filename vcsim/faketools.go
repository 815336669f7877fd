package main

import (
	"os"
	"path/filepath"
)

// Fake guest tools. They come first on PATH of every guest command and print the
// simulated guest's current state from $TESTVM_SIM_STATE (rewritten by the timeline).
var fakeTools = map[string]string{
	"ip": `#!/bin/sh
# fake ip(8) of the simulated guest
S="${TESTVM_SIM_STATE:?}"
fam=""; scope=""; obj=""; brief=""; prev=""
for a in "$@"; do
  case "$a" in
    -4) fam=4 ;;
    -6) fam=6 ;;
    -br|-brief) brief=1 ;;
    -*) ;;
    *)
      if [ -z "$obj" ]; then obj="$a"
      elif [ "$prev" = "scope" ] && [ "$a" = "global" ]; then scope="-global"
      fi ;;
  esac
  prev="$a"
done
case "$obj" in
  a|ad|add|addr|addre|addres|address)
    if [ -n "$brief" ]; then exec cat "$S/ip-brief"; fi
    exec cat "$S/ip${fam}-addr${scope}" ;;
  l|li|lin|link) exec cat "$S/ip-link" ;;
  r|ro|rou|rout|route) exec cat "$S/ip-route" ;;
  "") echo "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }" >&2; exit 255 ;;
  *) echo "Object \"$obj\" is unknown, try \"ip help\"." >&2; exit 1 ;;
esac
`,
	"ipconfig": `#!/bin/sh
# fake ipconfig.exe of the simulated guest (CRLF output)
S="${TESTVM_SIM_STATE:?}"
arg=$(printf '%s' "$1" | tr 'A-Z' 'a-z')
case "$arg" in
  /all|-all) exec cat "$S/ipconfig-all" ;;
  /flushdns|-flushdns) printf '\r\nWindows IP Configuration\r\n\r\nSuccessfully flushed the DNS Resolver Cache.\r\n'; exit 0 ;;
  *) exec cat "$S/ipconfig" ;;
esac
`,
	"hostname": `#!/bin/sh
exec cat "${TESTVM_SIM_STATE:?}/hostname"
`,
	"sudo": `#!/bin/sh
# the guest user may do anything; run the rest of the command line
while [ $# -gt 0 ]; do case "$1" in -*) shift ;; *) break ;; esac; done
exec "$@"
`,
	"whoami": `#!/bin/sh
exec cat "${TESTVM_SIM_STATE:?}/user"
`,
}

// Network reload helpers used after an instant clone: they succeed and change nothing.
var fakeNoops = []string{"modprobe", "rmmod", "dhclient", "dhcpcd", "systemctl", "nmcli",
	"networkctl", "netplan", "ifup", "ifdown", "udevadm", "sync"}

func writeFakeTools(bin string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	write := func(name, body string) error {
		return os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755)
	}
	for name, body := range fakeTools {
		if err := write(name, body); err != nil {
			return err
		}
	}
	if err := write("ipconfig.exe", fakeTools["ipconfig"]); err != nil {
		return err
	}
	for _, name := range fakeNoops {
		if err := write(name, "#!/bin/sh\nexit 0\n"); err != nil {
			return err
		}
	}
	return writeRPCTools(bin)
}

// isFakeTool tells whether name is one of the fake tools.
func isFakeTool(name string) bool {
	if _, ok := fakeTools[name]; ok {
		return true
	}
	for _, n := range fakeNoops {
		if n == name {
			return true
		}
	}
	return name == "ipconfig.exe" || isRPCTool(name)
}
