package render

import (
	"strings"

	"unspool/shared/thread"
)

// A Setting is one reader setting: its field in Options' JSON, its label in
// the extension's reader toolbar, its default, and its choices in the order
// the toolbar offers them.
type Setting struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Default string   `json:"default"`
	Choices []Choice `json:"choices"`
}

// A Choice is one value of a setting and how the toolbar names it.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Settings are the reader's settings, in the toolbar's order. The
// extension reads them from extension/shared/contract.gen.js (written by
// shared/jsgen), so a new theme or size is one edit here.
var Settings = []Setting{
	{Name: "theme", Label: "Theme", Default: "auto", Choices: []Choice{{"auto", "Auto"}, {"light", "Light"}, {"dark", "Dark"}, {"sepia", "Sepia"}}},
	{Name: "font", Label: "Font", Default: "serif", Choices: []Choice{{"serif", "Serif"}, {"sans", "Sans"}}},
	{Name: "fontSize", Label: "Size", Default: "medium", Choices: []Choice{{"small", "Small"}, {"medium", "Medium"}, {"large", "Large"}, {"xlarge", "Larger"}}},
	{Name: "width", Label: "Width", Default: "medium", Choices: []Choice{{"narrow", "Narrow"}, {"medium", "Medium"}, {"wide", "Wide"}}},
}

// Values are s's allowed values, its default first (how an error names them).
func (s Setting) Values() []string {
	out := []string{s.Default}
	for _, c := range s.Choices {
		if c.Value != s.Default {
			out = append(out, c.Value)
		}
	}
	return out
}

// normalize fills defaults and rejects unknown values, naming the allowed ones.
func (o Options) normalize() (Options, error) {
	fields := map[string]*string{"theme": &o.Theme, "fontSize": &o.FontSize, "width": &o.Width, "font": &o.Font}
	for _, s := range Settings {
		v := fields[s.Name]
		if *v == "" {
			*v = s.Default
			continue
		}
		allowed := s.Values()
		found := false
		for _, a := range allowed {
			found = found || *v == a
		}
		if !found {
			return o, thread.Errorf(thread.EINVALID, "render options: %s %q is not one of %s", s.Name, *v, strings.Join(allowed, ", "))
		}
	}
	return o, nil
}
