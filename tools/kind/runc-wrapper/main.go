// Command keyflow-runc is dockerd's default runtime on machines whose bounding set lacks
// CAP_SYS_RESOURCE: it removes that capability from the container's OCI spec (create/run)
// or from the process spec (exec), then runs the real runc with the same arguments.
// Without it, `docker run --privileged` (which kind uses) fails with
// "unable to apply caps: operation not permitted".
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

const dropped = "CAP_SYS_RESOURCE"

var realRuncCandidates = []string{"/usr/sbin/runc", "/usr/bin/runc"}

func main() {
	args := os.Args[1:]
	if err := rewrite(args); err != nil {
		fmt.Fprintf(os.Stderr, "keyflow-runc: %v\n", err)
		os.Exit(1)
	}
	for _, runc := range realRuncCandidates {
		if _, err := os.Stat(runc); err == nil {
			err = syscall.Exec(runc, append([]string{runc}, args...), os.Environ())
			fmt.Fprintf(os.Stderr, "keyflow-runc: exec %s: %v\n", runc, err)
			os.Exit(1)
		}
	}
	fmt.Fprintln(os.Stderr, "keyflow-runc: no runc found in /usr/sbin or /usr/bin")
	os.Exit(1)
}

// rewrite finds the spec file the runc subcommand reads and drops the capability from it.
func rewrite(args []string) error {
	command, bundle, process := "", "", ""
	for i := 0; i < len(args); i++ {
		arg := args[i]
		value := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case arg == "--bundle" || arg == "-b":
			bundle = value()
		case len(arg) > 9 && arg[:9] == "--bundle=":
			bundle = arg[9:]
		case arg == "--process" || arg == "-p":
			process = value()
		case len(arg) > 10 && arg[:10] == "--process=":
			process = arg[10:]
		case command == "" && (arg == "create" || arg == "run" || arg == "exec"):
			command = arg
		case command == "" && len(arg) > 0 && arg[0] == '-':
			// Global flags with a value (--root, --log, --log-format, --criu) take the next word.
			if arg == "--root" || arg == "--log" || arg == "--log-format" || arg == "--criu" || arg == "--rootless" {
				i++
			}
		}
	}
	switch command {
	case "create", "run":
		if bundle == "" {
			bundle = "."
		}
		return dropFromSpec(filepath.Join(bundle, "config.json"), true)
	case "exec":
		if process != "" {
			return dropFromSpec(process, false)
		}
	}
	return nil
}

func dropFromSpec(file string, nested bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	process := spec
	if nested {
		p, ok := spec["process"].(map[string]any)
		if !ok {
			return nil
		}
		process = p
	}
	caps, ok := process["capabilities"].(map[string]any)
	if !ok {
		return nil
	}
	for set, list := range caps {
		items, ok := list.([]any)
		if !ok {
			continue
		}
		kept := make([]any, 0, len(items))
		for _, item := range items {
			if item != dropped {
				kept = append(kept, item)
			}
		}
		caps[set] = kept
	}
	out, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, 0o600)
}
