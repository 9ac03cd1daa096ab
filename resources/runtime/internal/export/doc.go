// Package export reads attributes from the cty objects other blocks export
// (resources.Exporter), defensively: an attribute that is absent, null or
// not known yet reads as "not set", so a kind can apply its default, and a
// value of the wrong type is an error naming the attribute.
package export
