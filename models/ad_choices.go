package models

// Choice is one value of an ad's fixed-choice field, with its pt-BR label.
type Choice struct {
	Value string
	Label string
}

// The original's choices, in display order.
var (
	AdTypes = []Choice{{"naked", "Naked"}, {"sport", "Esportiva"}, {"touring", "Touring"}, {"offroad", "Off-road"},
		{"scooter", "Scooter"}, {"motoneta", "Motoneta"}, {"custom", "Custom"}, {"street", "Street"}, {"bigtrail", "Big Trail"}}
	AdOrigins = []Choice{{"national", "Nacional"}, {"imported", "Importada"}}
	AdColors  = []Choice{{"black", "Preto"}, {"white", "Branco"}, {"silver", "Prata"}, {"red", "Vermelho"}, {"blue", "Azul"},
		{"green", "Verde"}, {"yellow", "Amarelo"}, {"purple", "Roxo"}}
	AdBrakes        = []Choice{{"abs", "ABS"}, {"combined", "Combinado"}, {"tambor", "Tambor"}}
	AdIgnitions     = []Choice{{"electric", "Elétrica"}, {"pedal", "Pedal"}, {"both", "Elétrica e pedal"}}
	AdRefrigeration = []Choice{{"air", "Ar"}, {"liquid", "Líquida"}}
	// AdOptionals are the optional-equipment checkboxes (form value → label).
	AdOptionals = []Choice{{"alarme", "Alarme"}, {"bau", "Baú"}, {"computador", "Computador de bordo"}, {"gps", "GPS"}}
)

// ChoiceLabel returns the label of value among choices, or "" when it is
// not one of them.
func ChoiceLabel(choices []Choice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return ""
}
