// Command helmrender renders a Helm chart's templates offline, for machines without helm.
//
// It implements the part of Helm 3 that the StreamMI chart uses, with Go's text/template,
// the sprig function library and sigs.k8s.io/yaml, the same three libraries Helm builds on:
//
//   - .Values: the chart's values.yaml, then each -f file, then each --set, merged the way
//     Helm coalesces them (maps merge key by key, a null removes a key, anything else
//     replaces);
//   - .Release (Name, Namespace, Service, IsInstall, IsUpgrade, Revision), .Chart (from
//     Chart.yaml, with Helm's field names), .Template (Name, BasePath), .Capabilities
//     (KubeVersion, APIVersions.Has) and .Files (Get, GetBytes) over the chart's files,
//     following symbolic links as Helm's loader does;
//   - sprig's functions without env and expandenv, plus Helm's include, tpl, required,
//     toYaml, fromYaml, toJson, fromJson and lookup (which, as in `helm template`, finds
//     nothing);
//   - missing keys render as empty (Helm's default), or fail with -strict (`helm lint
//     --strict`);
//   - output as `helm template` prints it: every document under a "# Source:" comment, in
//     Helm's install order of kinds, each checked to be YAML with apiVersion and kind.
//
// Not implemented, because the chart does not use them: subcharts and dependencies,
// values.schema.json, hooks, .Files.Glob/AsConfig/AsSecrets, and --set's list and
// escaping syntax. A chart that needs them fails here or renders differently from helm.
//
// Usage:
//
//	helmrender [-f values.yaml]... [--set key.path=value]... [-name NAME] [-namespace NS]
//	           [-strict] [-print-values] CHART_DIR
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// Helm's limit on nested include calls of one template, which stops runaway recursion.
const recursionMaxNums = 1000

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// chartMetadata holds Chart.yaml with the field names templates use (.Chart.AppVersion).
type chartMetadata struct {
	APIVersion  string            `json:"apiVersion"`
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	AppVersion  string            `json:"appVersion"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	KubeVersion string            `json:"kubeVersion"`
	Keywords    []string          `json:"keywords"`
	Home        string            `json:"home"`
	Sources     []string          `json:"sources"`
	Icon        string            `json:"icon"`
	Deprecated  bool              `json:"deprecated"`
	Annotations map[string]string `json:"annotations"`
}

type release struct {
	Name      string
	Namespace string
	Service   string
	IsInstall bool
	IsUpgrade bool
	Revision  int
}

type templateInfo struct {
	Name     string
	BasePath string
}

type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k kubeVersion) String() string { return k.Version }

type versionSet []string

// Has tells whether an API group/version (or group/version/kind) is known to the cluster.
func (v versionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions versionSet
}

// chartFiles is .Files: every chart file that is not a template, values.yaml or Chart.yaml.
type chartFiles map[string][]byte

func (f chartFiles) GetBytes(name string) []byte { return f[name] }

// Get returns the file's text, or "" when there is no such file, as Helm does.
func (f chartFiles) Get(name string) string { return string(f[name]) }

func main() {
	var valueFiles, sets, apiVersions multiFlag
	flag.Var(&valueFiles, "f", "values file, applied after the chart's values.yaml (repeatable)")
	flag.Var(&sets, "set", "key.path=value, applied after the values files (repeatable)")
	flag.Var(&apiVersions, "api-versions", "extra API version for .Capabilities (repeatable)")
	name := flag.String("name", "streammi", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kube := flag.String("kube-version", "v1.30.0", "Kubernetes version for .Capabilities")
	strict := flag.Bool("strict", false, "fail on a reference to a missing value")
	printValues := flag.Bool("print-values", false, "print the merged values as JSON and stop")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: helmrender [flags] CHART_DIR")
		flag.PrintDefaults()
		os.Exit(2)
	}

	out, err := run(flag.Arg(0), options{
		valueFiles:  valueFiles,
		sets:        sets,
		apiVersions: apiVersions,
		release:     release{Name: *name, Namespace: *namespace, Service: "Helm", IsInstall: true, Revision: 1},
		kubeVersion: *kube,
		strict:      *strict,
		printValues: *printValues,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

type options struct {
	valueFiles  []string
	sets        []string
	apiVersions []string
	release     release
	kubeVersion string
	strict      bool
	printValues bool
}

func run(chartDir string, opt options) (string, error) {
	meta, err := loadChartMetadata(chartDir)
	if err != nil {
		return "", err
	}
	if entries, err := os.ReadDir(filepath.Join(chartDir, "charts")); err == nil && len(entries) > 0 {
		return "", errors.New("subcharts (charts/) are not supported by this renderer")
	}

	values, err := loadValues(chartDir, opt.valueFiles, opt.sets)
	if err != nil {
		return "", err
	}
	if opt.printValues {
		b, err := json.MarshalIndent(values, "", "  ")
		if err != nil {
			return "", err
		}
		return string(b) + "\n", nil
	}

	files, templates, err := loadChartFiles(chartDir)
	if err != nil {
		return "", err
	}

	caps, err := newCapabilities(opt.kubeVersion, opt.apiVersions)
	if err != nil {
		return "", err
	}
	top := map[string]interface{}{
		"Values":       values,
		"Release":      opt.release,
		"Chart":        meta,
		"Files":        files,
		"Capabilities": caps,
	}
	rendered, err := render(meta.Name, templates, top, opt.strict)
	if err != nil {
		return "", err
	}
	return formatManifests(rendered)
}

func loadChartMetadata(chartDir string) (*chartMetadata, error) {
	b, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	var meta chartMetadata
	if err := yaml.UnmarshalStrict(b, &meta); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	if meta.APIVersion != "v2" || meta.Name == "" || meta.Version == "" {
		return nil, errors.New("Chart.yaml: apiVersion v2, name and version are required")
	}
	return &meta, nil
}

func readValuesFile(file string) (map[string]interface{}, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(b, &values); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return values, nil
}

func loadValues(chartDir string, valueFiles, sets []string) (map[string]interface{}, error) {
	values, err := readValuesFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range valueFiles {
		user, err := readValuesFile(f)
		if err != nil {
			return nil, err
		}
		coalesce(values, user)
	}
	for _, s := range sets {
		user, err := parseSet(s)
		if err != nil {
			return nil, err
		}
		coalesce(values, user)
	}
	return values, nil
}

// coalesce merges src into dst as Helm merges user values into a chart's defaults.
func coalesce(dst, src map[string]interface{}) {
	for key, value := range src {
		if value == nil {
			delete(dst, key)
			continue
		}
		srcMap, srcIsMap := value.(map[string]interface{})
		dstMap, dstIsMap := dst[key].(map[string]interface{})
		if srcIsMap && dstIsMap {
			coalesce(dstMap, srcMap)
			continue
		}
		dst[key] = value
	}
}

// parseSet turns "a.b.c=value" into {a: {b: {c: value}}}, reading value as a YAML scalar.
func parseSet(s string) (map[string]interface{}, error) {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return nil, fmt.Errorf("--set %q: want key.path=value", s)
	}
	var value interface{}
	if err := yaml.Unmarshal([]byte(s[eq+1:]), &value); err != nil {
		return nil, fmt.Errorf("--set %q: %w", s, err)
	}
	keys := strings.Split(s[:eq], ".")
	result := map[string]interface{}{}
	current := result
	for i, key := range keys {
		if key == "" || strings.ContainsAny(key, "[]\\") {
			return nil, fmt.Errorf("--set %q: only plain dotted keys are supported", s)
		}
		if i == len(keys)-1 {
			current[key] = value
			break
		}
		next := map[string]interface{}{}
		current[key] = next
		current = next
	}
	return result, nil
}

type helmIgnore []string

func loadHelmIgnore(chartDir string) (helmIgnore, error) {
	b, err := os.ReadFile(filepath.Join(chartDir, ".helmignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var patterns helmIgnore
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			return nil, fmt.Errorf(".helmignore: negated pattern %q is not supported", line)
		}
		patterns = append(patterns, line)
	}
	return patterns, nil
}

// ignored matches a slash-separated relative path against the patterns: a pattern with a
// slash matches the whole path, one without matches the base name, and a trailing slash
// matches directories only.
func (h helmIgnore) ignored(rel string, isDir bool) bool {
	for _, p := range h {
		dirOnly := strings.HasSuffix(p, "/")
		p = strings.TrimSuffix(p, "/")
		if dirOnly && !isDir {
			continue
		}
		target := path.Base(rel)
		if strings.Contains(p, "/") {
			target = rel
		}
		if ok, _ := path.Match(p, target); ok {
			return true
		}
	}
	return false
}

// loadChartFiles reads every file of the chart, following symbolic links to files, and
// splits them into .Files and the templates (keyed by their path under templates/).
func loadChartFiles(chartDir string) (chartFiles, map[string]string, error) {
	ignore, err := loadHelmIgnore(chartDir)
	if err != nil {
		return nil, nil, err
	}
	files := chartFiles{}
	templates := map[string]string{}
	err = filepath.WalkDir(chartDir, func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		rel, err := filepath.Rel(chartDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		if info.IsDir() {
			if d.Type()&fs.ModeSymlink != 0 {
				return fmt.Errorf("%s: a link to a directory is not supported", rel)
			}
			if ignore.ignored(rel, true) {
				return filepath.SkipDir
			}
			return nil
		}
		if ignore.ignored(rel, false) {
			return nil
		}
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			templates[strings.TrimPrefix(rel, "templates/")] = string(content)
		case rel == "Chart.yaml" || rel == "values.yaml" || rel == ".helmignore":
		default:
			files[rel] = content
		}
		return nil
	})
	return files, templates, err
}

func newCapabilities(version string, extra []string) (capabilities, error) {
	m := regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)$`).FindStringSubmatch(version)
	if m == nil {
		return capabilities{}, fmt.Errorf("-kube-version %q: want vMAJOR.MINOR.PATCH", version)
	}
	v := "v" + m[1] + "." + m[2] + "." + m[3]
	apis := versionSet{"v1", "apps/v1", "policy/v1", "batch/v1", "networking.k8s.io/v1",
		"rbac.authorization.k8s.io/v1", "autoscaling/v2", "apiextensions.k8s.io/v1"}
	apis = append(apis, extra...)
	return capabilities{
		KubeVersion: kubeVersion{Version: v, Major: m[1], Minor: m[2], GitVersion: v},
		APIVersions: apis,
	}, nil
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func funcMap(t *template.Template) template.FuncMap {
	funcs := sprig.TxtFuncMap()
	// Helm removes these two, so that a chart cannot read the machine's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")

	included := map[string]int{}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		if included[name] > recursionMaxNums {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		included[name]++
		defer func() { included[name]-- }()
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		snippet, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := snippet.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error calling tpl: %w", err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, errors.New(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["toJson"] = toJSON
	funcs["fromJson"] = fromJSON
	funcs["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return funcs
}

type renderedFile struct {
	source  string
	content string
}

func render(chartName string, templates map[string]string, top map[string]interface{}, strict bool) ([]renderedFile, error) {
	basePath := chartName + "/templates"
	root := template.New("gotpl")
	if strict {
		root.Option("missingkey=error")
	} else {
		root.Option("missingkey=zero")
	}
	root.Funcs(funcMap(root))

	names := make([]string, 0, len(templates))
	for name := range templates {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		full := basePath + "/" + name
		if _, err := root.New(full).Parse(templates[name]); err != nil {
			return nil, fmt.Errorf("parse error in %s: %w", full, err)
		}
	}

	var result []renderedFile
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		full := basePath + "/" + name
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = templateInfo{Name: full, BasePath: basePath}
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, full, data); err != nil {
			return nil, fmt.Errorf("render error in %s: %w", full, err)
		}
		result = append(result, renderedFile{
			source:  full,
			content: strings.ReplaceAll(buf.String(), "<no value>", ""),
		})
	}
	return result, nil
}

// Helm's install order: kinds earlier in the list are written (and applied) first.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
	"ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
	"CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
	"Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
	"APIService",
}

var separator = regexp.MustCompile(`(?m)^---[ \t]*$`)

type manifest struct {
	source string
	kind   string
	name   string
	body   string
}

func formatManifests(files []renderedFile) (string, error) {
	var manifests []manifest
	for _, f := range files {
		for _, doc := range separator.Split(f.content, -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return "", fmt.Errorf("YAML parse error on %s: %w", f.source, err)
			}
			if head.APIVersion == "" || head.Kind == "" {
				return "", fmt.Errorf("%s: a document without apiVersion or kind", f.source)
			}
			body := strings.TrimLeft(doc, "\n")
			body = strings.TrimRight(body, " \t\n") + "\n"
			manifests = append(manifests, manifest{f.source, head.Kind, head.Metadata.Name, body})
		}
	}

	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(manifests, func(i, j int) bool {
		ri, rj := rank(manifests[i].kind), rank(manifests[j].kind)
		if ri != rj {
			return ri < rj
		}
		if manifests[i].kind != manifests[j].kind {
			return manifests[i].kind < manifests[j].kind
		}
		return manifests[i].name < manifests[j].name
	})

	var out bytes.Buffer
	for _, m := range manifests {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s", m.source, m.body)
	}
	return out.String(), nil
}
