import "./styles.css";
import "./components/app-shell";
