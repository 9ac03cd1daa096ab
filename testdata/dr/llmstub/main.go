// Command llmstub is the disaster-recovery test's LLM stand-in: an
// OpenAI-compatible GET /v1/models on a loopback address that lists the
// model ids given as arguments. It answers nothing else.
//
//	llmstub 127.0.0.1:18080 qwen/qwen3-32b
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: llmstub ADDR MODEL...")
	}
	type model struct {
		ID     string `json:"id"`
		Object string `json:"object"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range os.Args[2:] {
		list.Data = append(list.Data, model{ID: id, Object: "model"})
	}
	http.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(list)
	})
	log.Fatal(http.ListenAndServe(os.Args[1], nil))
}
