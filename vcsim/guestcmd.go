package main

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// errProgramNotFound means the guest has no such program (FileNotFound).
var errProgramNotFound = errors.New("program not found in guest")

// guestCommand is a guest program start translated to a host shell command line.
type guestCommand struct {
	shell   string // command line for the host's /bin/sh -c
	name    string // process name as the guest reports it
	cmdLine string // command line as the guest reports it
}

var (
	// /tmp used as a path (after start, whitespace, quote, redirection or separator)
	linuxTmpRe = regexp.MustCompile(`(^|[\s'"=<>|;&(:])(/var/tmp|/tmp)(/|$|[\s'";|&)<>])`)
	// absolute paths of tools we fake, e.g. /usr/sbin/ip
	linuxToolRe = regexp.MustCompile(`(^|[\s'"=<>|;&(])(?:/usr)?/s?bin/(ip|modprobe|rmmod|dhclient|dhcpcd|hostname|systemctl|nmcli|networkctl|netplan|ifup|ifdown|udevadm|sudo|whoami|vmware-rpctool|vmtoolsd|vmware-toolbox-cmd)(\s|$|['";|&)])`)
	winPathRe   = regexp.MustCompile(`(?i)(?:[a-z]:\\|%temp%|%tmp%|%userprofile%)[^\s"'<>|&]*`)
	winAmpRe    = regexp.MustCompile(`\s&\s`)
	winCmdRe    = regexp.MustCompile(`(?i)(^|&&|\|\||[;|(])(\s*)(type|del|erase)(\s)`)
	winNulRe    = regexp.MustCompile(`(?i)>\s*nul\b`)
	// VMware Tools' own programs, quoted or not (their folder has spaces)
	winToolsRe = regexp.MustCompile(`(?i)"?[a-z]:\\program files\\vmware\\vmware tools\\(rpctool|vmwaretoolboxcmd|vmtoolsd)\.exe"?`)
)

// linuxCommand translates programPath + arguments of a Linux guest.
func linuxCommand(g *guestFS, bin, programPath, args string) (*guestCommand, error) {
	prog := programPath
	base := path.Base(programPath)
	switch {
	case isFakeTool(base):
		prog = filepath.Join(bin, base)
	case strings.HasPrefix(programPath, "/tmp/") || strings.HasPrefix(programPath, "/var/tmp/"):
		p, err := g.hostPath(programPath, false, "")
		if err != nil {
			return nil, err
		}
		prog = p
		fallthrough
	case strings.HasPrefix(programPath, "/"):
		if _, err := os.Stat(prog); err != nil {
			return nil, errProgramNotFound
		}
	}
	mapped := mapLinuxArgs(g, bin, args)
	return &guestCommand{
		shell:   shellQuote(prog) + " " + mapped,
		name:    programPath,
		cmdLine: `"` + programPath + `" ` + args,
	}, nil
}

func mapLinuxArgs(g *guestFS, bin, s string) string {
	s = linuxTmpRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := linuxTmpRe.FindStringSubmatch(m)
		return sub[1] + g.tmp + sub[3]
	})
	return linuxToolRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := linuxToolRe.FindStringSubmatch(m)
		return sub[1] + filepath.Join(bin, sub[2]) + sub[3]
	})
}

// windowsCommand translates a Windows program start: cmd.exe /c "..." and the fake tools.
func windowsCommand(g *guestFS, bin, user, programPath, args string) (*guestCommand, error) {
	norm := strings.ToLower(strings.ReplaceAll(programPath, `\`, "/"))
	base := strings.TrimSuffix(path.Base(norm), ".exe")
	gc := &guestCommand{name: programPath, cmdLine: `"` + programPath + `" ` + args}
	switch {
	case base == "cmd":
		inner, ok := cmdArgument(args)
		if !ok {
			gc.shell = "exit 0" // cmd without /c would wait for input; pretend it exits
			return gc, nil
		}
		gc.shell = translateCmd(g, bin, user, inner)
	case isFakeTool(base):
		gc.shell = shellQuote(filepath.Join(bin, base)) + " " + translateCmd(g, bin, user, args)
	default:
		return nil, errProgramNotFound
	}
	return gc, nil
}

// cmdArgument extracts the command after /c (or /k) from cmd.exe's arguments,
// stripping one pair of surrounding quotes like cmd does.
func cmdArgument(args string) (string, bool) {
	rest := strings.TrimSpace(args)
	for rest != "" {
		if !strings.HasPrefix(rest, "/") {
			return "", false
		}
		sw := rest
		if i := strings.IndexAny(rest, " \t"); i >= 0 {
			sw, rest = rest[:i], strings.TrimSpace(rest[i:])
		} else {
			rest = ""
		}
		switch strings.ToLower(sw) {
		case "/c", "/k":
			if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
				rest = rest[1 : len(rest)-1]
			}
			return rest, true
		}
	}
	return "", false
}

// translateCmd turns a cmd.exe command line into an equivalent sh one (enough for
// redirections, &&, ||, | and the fake tools) with guest paths mapped into the sandbox.
func translateCmd(g *guestFS, bin, user, s string) string {
	s = winToolsRe.ReplaceAllStringFunc(s, func(m string) string {
		return shellQuote(filepath.Join(bin, strings.ToLower(winToolsRe.FindStringSubmatch(m)[1])))
	})
	s = winPathRe.ReplaceAllStringFunc(s, func(m string) string {
		p, err := g.hostPath(m, true, user)
		if err != nil {
			return m
		}
		return shellQuote(p)
	})
	s = winNulRe.ReplaceAllString(s, ">/dev/null")
	s = winAmpRe.ReplaceAllString(s, " ; ")
	s = winCmdRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := winCmdRe.FindStringSubmatch(m)
		word := "cat"
		if strings.ToLower(sub[3]) != "type" {
			word = "rm -f"
		}
		return sub[1] + sub[2] + word + sub[4]
	})
	return s
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
